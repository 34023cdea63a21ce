package dev.shipyard.activities.capsules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.llm.LlmException;
import dev.shipyard.activities.storage.BlobStore;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.activities.validation.ProjectValidator;
import dev.shipyard.activities.webhook.WebhookSender;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.workflows.capsules.CapsuleActivities;
import dev.shipyard.workflows.capsules.CapsuleStatus;
import dev.shipyard.workflows.capsules.FileSet;
import dev.shipyard.workflows.capsules.GenerationFailure;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.Iteration;
import dev.shipyard.workflows.capsules.Preview;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The capsule generation steps: engines and the validator work on files loaded from object storage;
 * only references and reports go back to the workflow.
 */
public class CapsuleActivitiesImpl implements CapsuleActivities {

  private static final Logger log = LoggerFactory.getLogger(CapsuleActivitiesImpl.class);

  private final Map<String, GenerationEngine> engines;
  private final String defaultEngine;
  private final Function<String, ProjectValidator> validators;
  private final ProjectFiles files;
  private final BlobStore blobs;
  private final JdbcTemplate jdbc;
  private final WebhookSender webhooks;
  private final ObjectMapper json = new ObjectMapper();

  public CapsuleActivitiesImpl(
      List<GenerationEngine> engines,
      String defaultEngine,
      Function<String, ProjectValidator> validators,
      BlobStore blobs,
      JdbcTemplate jdbc,
      WebhookSender webhooks) {
    this.engines = new LinkedHashMap<>();
    engines.forEach(e -> this.engines.put(e.name(), e));
    this.defaultEngine = defaultEngine;
    this.validators = validators;
    this.blobs = blobs;
    this.files = new ProjectFiles(blobs);
    this.jdbc = jdbc;
    this.webhooks = webhooks;
  }

  @Override
  public ProjectPlan plan(GenerationRequest request) {
    return call("planning", () -> engine(request).plan(spec(request)));
  }

  @Override
  public FileSet generate(GenerationRequest request, ProjectPlan plan) {
    return call("generating", () -> files.save(engine(request).generate(plan, spec(request))));
  }

  @Override
  public ValidationReport validate(GenerationRequest request, ProjectPlan plan, FileSet set) {
    return call(
        "validating",
        () ->
            validators
                .apply(engine(request).name())
                .validate(plan, files.load(set), request.targetScore()));
  }

  @Override
  public FileSet refine(
      GenerationRequest request, ProjectPlan plan, FileSet set, ValidationReport report) {
    return call(
        "refining",
        () -> files.save(engine(request).refine(plan, spec(request), files.load(set), report)));
  }

  @Override
  public String store(
      GenerationRequest request,
      ProjectPlan plan,
      FileSet set,
      ValidationReport report,
      List<Iteration> iterations) {
    String versionKey = "capsules/" + request.capsuleId() + "/versions/v1.json";
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("capsule_id", request.capsuleId());
    version.put("version", 1);
    version.put("manifest_key", set.manifestKey());
    version.put("manifest_sha256", set.digest());
    version.put("file_count", set.fileCount());
    version.put("total_size_bytes", set.totalBytes());
    version.put("plan", plan);
    version.put("score", report.score());
    blobs.putIfAbsent(
        versionKey, toJson(version).getBytes(StandardCharsets.UTF_8), "application/json");

    jdbc.update(
        "UPDATE capsules SET status = 'stored', error = NULL, file_count = ?, total_size_bytes = ?,"
            + " confidence_score = ?, languages = ?, frameworks = ?, manifest_key = ?,"
            + " version_key = ?, plan = CAST(? AS jsonb), validation = CAST(? AS jsonb),"
            + " preview = CAST(? AS jsonb), iterations = CAST(? AS jsonb),"
            + " refinement_iterations = ?, updated_at = now() WHERE id = ?",
        set.fileCount(),
        set.totalBytes(),
        report.score(),
        new String[] {plan.language()},
        new String[] {plan.framework()},
        set.manifestKey(),
        versionKey,
        toJson(plan),
        toJson(report),
        toJson(Preview.of(set.paths())),
        toJson(iterations),
        Math.max(0, iterations.size() - 1),
        request.capsuleId());
    return versionKey;
  }

  @Override
  public void recordStatus(String capsuleId, CapsuleStatus status, String error) {
    jdbc.update(
        "UPDATE capsules SET status = ?, error = ?, updated_at = now() WHERE id = ?"
            + " AND status NOT IN ('stored', 'cancelled', 'failed')",
        status.value(),
        error,
        capsuleId);
  }

  @Override
  public void emitCreated(GenerationRequest request, double score) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("capsule_id", request.capsuleId());
    data.put("request_id", request.requestId());
    data.put("tenant_id", request.tenantId());
    data.put("user_id", request.userId());
    data.put("score", score);
    // One event per capsule: a retried activity finds the row and reuses its ID and timestamp.
    jdbc.update(
        "INSERT INTO capsule_events (id, capsule_id, event, payload, webhook_url)"
            + " VALUES (?, ?, 'capsule.created', CAST(? AS jsonb), ?)"
            + " ON CONFLICT (capsule_id, event) DO NOTHING",
        UUID.nameUUIDFromBytes(
            ("capsule.created:" + request.capsuleId()).getBytes(StandardCharsets.UTF_8)),
        request.capsuleId(),
        toJson(data),
        request.webhookUrl());
    if (request.webhookUrl() == null) {
      return;
    }
    Map<String, Object> event =
        jdbc.queryForMap(
            "SELECT id, created_at, delivered_at FROM capsule_events"
                + " WHERE capsule_id = ? AND event = 'capsule.created'",
            request.capsuleId());
    if (event.get("delivered_at") != null) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", "capsule.created");
    body.put("timestamp", ((java.sql.Timestamp) event.get("created_at")).toInstant().toString());
    body.put("data", data);
    String id = event.get("id").toString();
    int status;
    try {
      status = webhooks.send(URI.create(request.webhookUrl()), "capsule.created", id, toJson(body));
    } catch (IllegalStateException e) {
      recordDelivery(id, null, e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "WEBHOOK_NOT_CONFIGURED");
    } catch (OutboundRefusedException e) {
      // The outbound guard refused the URL (nothing was sent): retrying cannot change that.
      recordDelivery(id, null, "webhook_url " + e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(
          "webhook_url " + e.getMessage(), "WEBHOOK_URL_REFUSED");
    } catch (Exception e) {
      recordDelivery(id, null, e.toString());
      throw ApplicationFailure.newFailure("Webhook delivery failed: " + e, "WEBHOOK_FAILED");
    }
    recordDelivery(id, status, status / 100 == 2 ? null : "HTTP " + status);
    if (status / 100 != 2) {
      throw ApplicationFailure.newFailure("Webhook answered HTTP " + status, "WEBHOOK_FAILED");
    }
  }

  private void recordDelivery(String id, Integer status, String error) {
    jdbc.update(
        "UPDATE capsule_events SET delivery_status = ?, delivery_error = ?, attempts = attempts + 1,"
            + " delivered_at = CASE WHEN ? THEN now() ELSE NULL END WHERE id = ?",
        status,
        error,
        error == null,
        UUID.fromString(id));
  }

  private GenerationEngine engine(GenerationRequest request) {
    String name = request.engine() == null ? defaultEngine : request.engine();
    GenerationEngine engine = engines.get(name);
    if (engine == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Generation engine '" + name + "' is not available here; available: " + engines.keySet(),
          GenerationFailure.ENGINE_UNAVAILABLE.name());
    }
    return engine;
  }

  private static GenerationSpec spec(GenerationRequest request) {
    return new GenerationSpec(
        request.description(),
        request.requirements() == null ? "" : request.requirements(),
        request.constraints() == null ? Map.of() : request.constraints());
  }

  /** Runs a step with heartbeats; impossible requests become non-retryable failures. */
  private <T> T call(String stage, Callable<T> step) {
    ActivityExecutionContext context = currentContext();
    try {
      return Heartbeats.during(context, stage, step);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), GenerationFailure.UNSUPPORTED_REQUEST.name());
    } catch (LlmException e) {
      if (e.retryable()) {
        throw ApplicationFailure.newFailure(e.getMessage(), "LLM_" + e.kind().name());
      }
      GenerationFailure type =
          e.kind() == LlmException.Kind.REFUSED || e.kind() == LlmException.Kind.INVALID_OUTPUT
              ? GenerationFailure.ENGINE_OUTPUT_INVALID
              : GenerationFailure.ENGINE_UNAVAILABLE;
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), type.name());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw Activity.wrap(e);
    }
  }

  private static ActivityExecutionContext currentContext() {
    try {
      return Activity.getExecutionContext();
    } catch (IllegalStateException e) {
      log.debug("Not in an activity context; running without heartbeats");
      return null;
    }
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
