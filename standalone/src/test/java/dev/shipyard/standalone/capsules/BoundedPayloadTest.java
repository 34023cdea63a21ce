package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.validation.ProjectValidator;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.TestWorkers;
import dev.shipyard.storage.BlobInfo;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.ContentAddress;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.capsules.CapsuleGenerationWorkflow;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.GenerationResult;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import dev.shipyard.workflows.capsules.ValidationSummary;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Payloads stay bounded whatever the user asks for: a capsule of 5,000 files with 10,000 validation
 * issues goes through the real workflow and activities (the platform's S3 and PostgreSQL) and no
 * event of its history exceeds 256 KB, while the API still shows every issue.
 */
@ExtendWith(LocalPlatformExtension.class)
class BoundedPayloadTest {

  static final int FILES = 5_000;
  static final int ISSUES = 10_000;
  static final int MAX_EVENT_BYTES = 256 * 1024;

  private TestWorkflowEnvironment env;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    ShipyardSearchAttributes.ALL.forEach(
        key ->
            env.registerSearchAttribute(
                key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aHugeCapsuleKeepsEveryHistoryEventUnder256Kb(LocalPlatform platform, WebTestClient api) {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    BlobStore blobs = new RememberingBlobStore(platform.workerContext().getBean(BlobStore.class));
    GenerationEngine engine = new ManyFilesEngine();
    ProjectValidator validator = new ManyIssuesValidator();
    TestWorkers.registerCapsules(env, engine, validator, blobs, jdbc);
    env.start();
    WorkflowClient client = env.getWorkflowClient();

    Accounts.Account owner = Accounts.register(api, "huge");
    String capsuleId = "cap-huge-" + UUID.randomUUID().toString().substring(0, 8);
    GenerationRequest request =
        new GenerationRequest(
            capsuleId,
            "req-" + capsuleId,
            owner.tenantId(),
            owner.id(),
            "A very large service",
            "",
            Map.of(),
            0.9,
            2,
            engine.name(),
            null);
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, engine,"
            + " target_score, workflow_id) VALUES (?, ?, ?, ?, ?, ?, 0.9, ?)",
        capsuleId,
        request.requestId(),
        owner.tenantId(),
        UUID.fromString(owner.id()),
        request.description(),
        engine.name(),
        request.workflowId());

    GenerationResult result =
        client
            .newWorkflowStub(
                CapsuleGenerationWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(request.workflowId())
                    .setTaskQueue(TaskQueues.CAPSULES)
                    .build())
            .generate(request);

    // The workflow saw bounded summaries of the whole thing.
    assertThat(result.files().fileCount()).isEqualTo(FILES);
    assertThat(result.files().paths()).hasSizeLessThanOrEqualTo(50);
    assertThat(result.validation().issueCount()).isEqualTo(ISSUES);
    assertThat(result.validation().issues()).hasSize(ValidationSummary.MAX_LINES);
    assertThat(result.iterations()).isNotEmpty();

    List<HistoryEvent> events = client.fetchHistory(request.workflowId()).getEvents();
    int largest = events.stream().mapToInt(HistoryEvent::getSerializedSize).max().orElseThrow();
    assertThat(largest).as("largest history event, in bytes").isLessThan(MAX_EVENT_BYTES);

    // The API still shows what it showed before: every issue, the whole preview.
    WebTestClient large =
        api.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();
    Map<String, Object> capsule =
        Json.call(large, HttpMethod.GET, "/capsule/" + capsuleId, owner.accessToken(), null, 200);
    assertThat(capsule).containsEntry("status", "stored").containsEntry("file_count", FILES);
    assertThat((List<String>) ((Map<String, Object>) capsule.get("validation")).get("issues"))
        .hasSize(ISSUES);
    assertThat((List<String>) ((Map<String, Object>) capsule.get("preview")).get("source_files"))
        .hasSize(FILES);
  }

  /**
   * The platform's S3 store, remembering the immutable objects it has written or read: the 5,000
   * files share one content-addressed blob, which S3 then sees once instead of 5,000 times per step
   * (the payload bound does not depend on storage round trips; thousands of them made this test
   * take minutes).
   */
  static final class RememberingBlobStore implements BlobStore {
    private final BlobStore s3;
    private final Map<String, byte[]> known = new ConcurrentHashMap<>();

    RememberingBlobStore(BlobStore s3) {
      this.s3 = s3;
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes, String contentType) {
      if (known.putIfAbsent(key, bytes) == null) {
        s3.putIfAbsent(key, bytes, contentType);
      }
    }

    @Override
    public Optional<byte[]> get(String key) {
      byte[] bytes = known.get(key);
      if (bytes != null) {
        return Optional.of(bytes);
      }
      Optional<byte[]> stored = s3.get(key);
      stored.ifPresent(b -> known.put(key, b));
      return stored;
    }

    // Streaming operations go straight to S3: the generation steps use the two above.
    @Override
    public BlobInfo put(String key, InputStream content, long length, String contentType) {
      known.remove(key);
      return s3.put(key, content, length, contentType);
    }

    @Override
    public ContentAddress putContentAddressed(InputStream content, String contentType) {
      return s3.putContentAddressed(content, contentType);
    }

    @Override
    public Optional<InputStream> open(String key) {
      return s3.open(key);
    }

    @Override
    public Optional<InputStream> open(String key, long offset, long length) {
      return s3.open(key, offset, length);
    }

    @Override
    public Optional<BlobInfo> head(String key) {
      return s3.head(key);
    }

    @Override
    public void delete(String key) {
      known.remove(key);
      s3.delete(key);
    }
  }

  /** 5,000 Python sources (of one content); refinement has nothing to change. */
  static final class ManyFilesEngine implements GenerationEngine {
    @Override
    public String name() {
      return "many-files";
    }

    @Override
    public ProjectPlan plan(GenerationSpec spec) {
      return new ProjectPlan(
          "huge-service", "python-fastapi", "python", "fastapi", "none", List.of(), List.of());
    }

    @Override
    public List<SourceFile> generate(ProjectPlan plan, GenerationSpec spec) {
      List<SourceFile> files = new ArrayList<>();
      for (int i = 0; i < FILES; i++) {
        files.add(
            new SourceFile(
                "app/module_" + i + "/handlers_for_a_long_path_name_" + i + ".py", "VALUE = 1\n"));
      }
      return files;
    }

    @Override
    public List<SourceFile> refine(
        ProjectPlan plan, GenerationSpec spec, List<SourceFile> files, ValidationReport report) {
      return files;
    }
  }

  /** 10,000 failed checks with long messages. */
  static final class ManyIssuesValidator implements ProjectValidator {
    @Override
    public ValidationReport validate(ProjectPlan plan, List<SourceFile> files, double targetScore) {
      List<CheckResult> checks = new ArrayList<>();
      List<String> issues = new ArrayList<>();
      List<String> recommendations = new ArrayList<>();
      for (int i = 0; i < ISSUES; i++) {
        SourceFile file = files.get(i % files.size());
        String id = "python.lint:" + file.path() + "#" + i;
        String message = "line " + (i % 80 + 1) + ": a long finding about this file, number " + i;
        checks.add(
            new CheckResult(
                id, "syntax", file.path(), CheckStatus.FAILED, false, 1.0, message, "Fix it"));
        issues.add(id + ": " + message);
        recommendations.add("Fix " + file.path() + " (" + i + ")");
      }
      return new ValidationReport(0.0, false, false, issues, recommendations, checks);
    }
  }
}
