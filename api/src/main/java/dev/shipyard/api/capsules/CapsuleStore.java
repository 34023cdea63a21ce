package dev.shipyard.api.capsules;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.runs.WorkflowRuns;
import dev.shipyard.api.security.Caller;
import dev.shipyard.workflows.capsules.CapsuleStatus;
import dev.shipyard.workflows.capsules.Iteration;
import dev.shipyard.workflows.capsules.Preview;
import dev.shipyard.workflows.capsules.ValidationReport;
import dev.shipyard.workflows.platform.RunStatus;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code capsules} table as the API sees it. Every read is scoped in the query itself: a caller
 * sees their own capsules, an admin those of their tenant, and nothing else exists for them.
 */
@Component
public class CapsuleStore {

  /**
   * Capsules with their status, which lives in the capsule's run of {@code workflow_runs} (the one
   * status path): a derived table named {@code capsules}, so the scope and ordering apply as to the
   * table.
   */
  static final String WITH_STATUS =
      "(SELECT c.*, r.status AS run_status, r.phase AS run_phase, r.error AS run_error"
          + " FROM capsules c LEFT JOIN workflow_runs r ON r.workflow_id = c.workflow_id) capsules";

  /** The scope condition; binds {@code :tenant}, {@code :wholeTenant} and {@code :caller}. */
  static final String VISIBLE = " tenant_id = :tenant AND (:wholeTenant OR owner_id = :caller)";

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<Iteration>> ITERATIONS = new TypeReference<>() {};
  private static final TypeReference<ValidationReport> VALIDATION = new TypeReference<>() {};
  private static final TypeReference<Preview> PREVIEW = new TypeReference<>() {};

  private final DatabaseClient db;
  private final ObjectMapper json;

  private final WorkflowRuns runs;

  /**
   * Reads the worker's JSON columns into the typed records of {@code workflows}. Those records may
   * gain fields before the API knows them, so unknown properties are ignored.
   */
  private final ObjectMapper workerJson;

  private final FinishedCapsules finished;

  CapsuleStore(DatabaseClient db, ObjectMapper json, WorkflowRuns runs, FinishedCapsules finished) {
    this.db = db;
    this.finished = finished;
    this.json = json;
    this.runs = runs;
    this.workerJson =
        json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /**
   * A new capsule row and its run (queued), or false when a capsule with this ID exists (a repeated
   * request).
   */
  Mono<Boolean> insert(NewCapsule capsule) {
    return db.sql(
            "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description,"
                + " requirements, project_name, constraints, metadata, engine, target_score,"
                + " webhook_url, workflow_id) VALUES (:id, :request, :tenant, :owner,"
                + " :description, :requirements, :project, :constraints, :metadata, :engine,"
                + " :target, :webhook, :workflow) ON CONFLICT (id) DO NOTHING")
        .bind("id", capsule.id())
        .bind("request", capsule.requestId())
        .bind("tenant", capsule.tenantId())
        .bind("owner", capsule.ownerId())
        .bind("description", capsule.description())
        .bind("requirements", Parameter.fromOrEmpty(capsule.requirements(), String.class))
        .bind("project", Parameter.fromOrEmpty(capsule.projectName(), String.class))
        .bind("constraints", Json.of(write(capsule.constraints())))
        .bind("metadata", Json.of(write(capsule.metadata())))
        .bind("engine", capsule.engine())
        .bind("target", capsule.targetScore())
        .bind("webhook", Parameter.fromOrEmpty(capsule.webhookUrl(), String.class))
        .bind("workflow", capsule.workflowId())
        .fetch()
        .rowsUpdated()
        .flatMap(
            n ->
                n == 0
                    ? Mono.just(false)
                    : runs.open(
                            capsule.workflowId(),
                            CapsuleStatus.KIND,
                            capsule.tenantId(),
                            capsule.ownerId().toString(),
                            CapsuleStatus.QUEUED.value())
                        .thenReturn(true));
  }

  /** What a new capsule row holds. */
  record NewCapsule(
      String id,
      String requestId,
      String tenantId,
      UUID ownerId,
      String description,
      String requirements,
      String projectName,
      Map<String, String> constraints,
      Map<String, Object> metadata,
      String engine,
      double targetScore,
      String webhookUrl,
      String workflowId) {}

  /** Marks the run of a capsule whose workflow could not be started failed. */
  Mono<Void> markFailed(String workflowId, String error) {
    return runs.close(workflowId, RunStatus.FAILED, error, System.currentTimeMillis()).then();
  }

  /**
   * The columns {@code GET /capsule/{id}} shows: all but the plan and the iteration history (read
   * by {@code /generation} through {@link #require}), which are the largest and would be decoded
   * for nothing; {@code constraints} and {@code iterations} read as null.
   */
  private static final String DETAIL_COLUMNS =
      "id, request_id, tenant_id, owner_id, run_status, run_phase, run_error, description,"
          + " requirements, project_name, NULL::jsonb AS constraints, engine, target_score,"
          + " file_count, total_size_bytes, confidence_score, languages, frameworks, validation,"
          + " preview, NULL::jsonb AS iterations, refinement_iterations, workflow_id, created_at,"
          + " updated_at";

  /**
   * What {@code GET /capsule/{id}} shows of a visible capsule: {@link #DETAIL_COLUMNS}, from memory
   * for a finished capsule ({@link FinishedCapsules}).
   */
  Mono<CapsuleRecord> requireDetails(Caller caller, String id) {
    return finished.get(caller, id, () -> readDetails(caller, id));
  }

  private Mono<CapsuleRecord> readDetails(Caller caller, String id) {
    return bindScope(
            db.sql(
                "SELECT "
                    + DETAIL_COLUMNS
                    + " FROM "
                    + WITH_STATUS
                    + " WHERE id = :id AND"
                    + VISIBLE),
            caller)
        .bind("id", id)
        .map(this::map)
        .one()
        .switchIfEmpty(Mono.error(() -> CapsuleController.notFound(id)));
  }

  Mono<CapsuleRecord> find(Caller caller, String id) {
    return bindScope(
            db.sql("SELECT * FROM " + WITH_STATUS + " WHERE id = :id AND" + VISIBLE), caller)
        .bind("id", id)
        .map(this::map)
        .one();
  }

  /** The capsule if the caller may see it; otherwise 404 {@code CAPSULE_NOT_FOUND}, never 403. */
  public Mono<CapsuleRecord> require(Caller caller, String id) {
    return find(caller, id).switchIfEmpty(Mono.error(() -> CapsuleController.notFound(id)));
  }

  /**
   * A page of visible capsules, optionally narrowed to {@code userId}; {@code orderBy} must be a
   * trusted column expression.
   */
  Flux<CapsuleRecord> list(Caller caller, UUID userId, String orderBy, int limit, long offset) {
    return bindScope(
            db.sql(
                "SELECT * FROM "
                    + WITH_STATUS
                    + " WHERE"
                    + VISIBLE
                    + " AND (CAST(:user AS uuid) IS NULL OR owner_id = CAST(:user AS uuid))"
                    + " ORDER BY "
                    + orderBy
                    + ", id LIMIT :limit OFFSET :offset"),
            caller)
        .bind("user", Parameter.fromOrEmpty(userId, UUID.class))
        .bind("limit", limit)
        .bind("offset", offset)
        .map(this::map)
        .all();
  }

  Mono<Long> count(Caller caller, UUID userId) {
    return bindScope(
            db.sql(
                "SELECT count(*) AS n FROM capsules WHERE"
                    + VISIBLE
                    + " AND (CAST(:user AS uuid) IS NULL OR owner_id = CAST(:user AS uuid))"),
            caller)
        .bind("user", Parameter.fromOrEmpty(userId, UUID.class))
        .map(row -> row.get("n", Long.class))
        .one();
  }

  static DatabaseClient.GenericExecuteSpec bindScope(
      DatabaseClient.GenericExecuteSpec sql, Caller caller) {
    return sql.bind("tenant", caller.tenantId())
        .bind("wholeTenant", caller.seesWholeTenant())
        .bind("caller", caller.userId());
  }

  private CapsuleRecord map(Readable row) {
    Double score = row.get("confidence_score", Double.class);
    return new CapsuleRecord(
        row.get("id", String.class),
        row.get("request_id", String.class),
        row.get("tenant_id", String.class),
        row.get("owner_id", UUID.class),
        CapsuleStatus.of(
            RunStatus.of(row.get("run_status", String.class)), row.get("run_phase", String.class)),
        row.get("description", String.class),
        row.get("requirements", String.class),
        row.get("project_name", String.class),
        read(json, row.get("constraints", Json.class), MAP),
        row.get("engine", String.class),
        row.get("target_score", Double.class),
        row.get("file_count", Integer.class),
        row.get("total_size_bytes", Long.class),
        score,
        Arrays.asList(row.get("languages", String[].class)),
        Arrays.asList(row.get("frameworks", String[].class)),
        read(workerJson, row.get("validation", Json.class), VALIDATION),
        read(workerJson, row.get("preview", Json.class), PREVIEW),
        read(workerJson, row.get("iterations", Json.class), ITERATIONS),
        row.get("refinement_iterations", Integer.class),
        row.get("run_error", String.class),
        row.get("workflow_id", String.class),
        row.get("created_at", OffsetDateTime.class),
        row.get("updated_at", OffsetDateTime.class));
  }

  private static <T> T read(ObjectMapper mapper, Json value, TypeReference<T> type) {
    if (value == null) {
      return null;
    }
    try {
      return mapper.readValue(value.asString(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value == null ? Map.of() : value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
