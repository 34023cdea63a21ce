package dev.shipyard.api.builds;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.runs.WorkflowRuns;
import dev.shipyard.api.security.Caller;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.BuildStatus;
import dev.shipyard.workflows.platform.RunStatus;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code builds} table as the API sees it, with each build's status from its run in {@code
 * workflow_runs} (the one status path). Reads are scoped in the query: the owner, or an admin of
 * the tenant; nothing else exists for a caller.
 */
@Component
class BuildStore {

  private static final String WITH_STATUS =
      "(SELECT b.*, r.status AS run_status, r.phase AS run_phase, r.error AS run_error"
          + " FROM builds b LEFT JOIN workflow_runs r ON r.workflow_id = b.workflow_id) builds";

  private static final String VISIBLE =
      " tenant_id = :tenant AND (:wholeTenant OR owner_id = :caller)";

  private final DatabaseClient db;
  private final WorkflowRuns runs;
  private final ObjectMapper json;

  BuildStore(DatabaseClient db, WorkflowRuns runs, ObjectMapper json) {
    this.db = db;
    this.runs = runs;
    this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** A build row and its run (running, phase initializing), before its workflow starts. */
  Mono<Void> insert(BuildRequest request) {
    return db.sql(
            "INSERT INTO builds (task_id, tenant_id, owner_id, created_by, project_name, goal,"
                + " parameters, workflow_id) VALUES (:task, :tenant, :owner, :by, :project, :goal,"
                + " :parameters, :workflow)")
        .bind("task", UUID.fromString(request.taskId()))
        .bind("tenant", request.tenantId())
        .bind("owner", UUID.fromString(request.ownerId()))
        .bind("by", request.createdBy())
        .bind("project", request.projectName())
        .bind("goal", request.goal())
        .bind("parameters", Json.of(write(request.parameters())))
        .bind("workflow", request.workflowId())
        .then()
        .then(
            runs.open(
                request.workflowId(),
                BuildRequest.KIND,
                request.tenantId(),
                request.ownerId(),
                BuildStatus.INITIALIZING.value()));
  }

  Mono<Void> markFailed(String workflowId, String error) {
    return runs.close(workflowId, RunStatus.FAILED, error, System.currentTimeMillis()).then();
  }

  /** The build if the caller may see it. */
  Mono<Row> find(Caller caller, UUID taskId) {
    return scope(
            db.sql("SELECT * FROM " + WITH_STATUS + " WHERE task_id = :id AND" + VISIBLE), caller)
        .bind("id", taskId)
        .map(this::map)
        .one();
  }

  /** A page of the caller's builds (of the whole tenant with {@code wholeTenant}), newest first. */
  Flux<Row> list(Caller caller, boolean wholeTenant, int limit, long offset) {
    return scope(
            db.sql(
                "SELECT * FROM "
                    + WITH_STATUS
                    + " WHERE"
                    + VISIBLE
                    + " ORDER BY created_at DESC, task_id LIMIT :limit OFFSET :offset"),
            caller,
            wholeTenant)
        .bind("limit", limit)
        .bind("offset", offset)
        .map(this::map)
        .all();
  }

  Mono<Long> count(Caller caller, boolean wholeTenant) {
    return scope(db.sql("SELECT count(*) AS n FROM builds WHERE" + VISIBLE), caller, wholeTenant)
        .map(row -> row.get("n", Long.class))
        .one();
  }

  private static DatabaseClient.GenericExecuteSpec scope(
      DatabaseClient.GenericExecuteSpec sql, Caller caller) {
    return scope(sql, caller, caller.seesWholeTenant());
  }

  private static DatabaseClient.GenericExecuteSpec scope(
      DatabaseClient.GenericExecuteSpec sql, Caller caller, boolean wholeTenant) {
    return sql.bind("tenant", caller.tenantId())
        .bind("wholeTenant", wholeTenant && caller.seesWholeTenant())
        .bind("caller", caller.userId());
  }

  /** One build as stored. */
  record Row(
      UUID taskId,
      String projectName,
      BuildStatus status,
      int progress,
      OffsetDateTime createdAt,
      String createdBy,
      String goal,
      BuildBodies.Results results,
      String error,
      String workflowId) {}

  private Row map(Readable row) {
    Json results = row.get("results", Json.class);
    return new Row(
        row.get("task_id", UUID.class),
        row.get("project_name", String.class),
        BuildStatus.of(
            RunStatus.of(row.get("run_status", String.class)), row.get("run_phase", String.class)),
        row.get("progress", Integer.class),
        row.get("created_at", OffsetDateTime.class),
        row.get("created_by", String.class),
        row.get("goal", String.class),
        results == null ? null : read(results.asString()),
        row.get("run_error", String.class),
        row.get("workflow_id", String.class));
  }

  private BuildBodies.Results read(String text) {
    try {
      return json.readValue(text, BuildBodies.Results.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
