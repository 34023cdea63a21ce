package dev.shipyard.api.analysis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.runs.WorkflowRuns;
import dev.shipyard.api.security.Caller;
import dev.shipyard.storage.VersionKey;
import dev.shipyard.workflows.analysis.AnalysisRequest;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code analyses} table and the capsules an analysis reads, as the API sees them. Reads are
 * scoped in the query: a caller sees their own rows, an admin those of their tenant.
 */
@Component
class AnalysisStore {

  private static final String VISIBLE =
      " tenant_id = :tenant AND (:wholeTenant OR owner_id = :caller)";

  private final DatabaseClient db;
  private final WorkflowRuns runs;
  private final ObjectMapper workerJson;

  AnalysisStore(DatabaseClient db, WorkflowRuns runs, ObjectMapper json) {
    this.db = db;
    this.runs = runs;
    this.workerJson =
        json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** A stored capsule version an analysis can read. */
  record Source(String capsuleId, String versionId, String manifestKey) {}

  /**
   * The capsule to analyse: {@code capsuleId} (any the caller can read) at {@code versionId} (its
   * current version; others are not kept yet), or else the caller's latest stored capsule named
   * {@code projectName}; empty when there is none.
   */
  Mono<Source> source(Caller caller, String projectName, String capsuleId, String versionId) {
    DatabaseClient.GenericExecuteSpec query;
    if (capsuleId != null) {
      query =
          scope(
                  db.sql(
                      "SELECT id, manifest_key, version_key FROM capsules WHERE id = :id AND"
                          + " manifest_key IS NOT NULL AND"
                          + VISIBLE),
                  caller)
              .bind("id", capsuleId);
    } else {
      query =
          db.sql(
                  "SELECT id, manifest_key, version_key FROM capsules WHERE owner_id = :caller AND"
                      + " tenant_id = :tenant AND manifest_key IS NOT NULL AND"
                      + " COALESCE(project_name, plan->>'projectName') = :name"
                      + " ORDER BY created_at DESC, id LIMIT 1")
              .bind("caller", caller.userId())
              .bind("tenant", caller.tenantId())
              .bind("name", projectName);
    }
    return query
        .map(
            row -> {
              String version =
                  VersionKey.parse(row.get("version_key", String.class))
                      .map(v -> "v" + v.version())
                      .orElse(null);
              return new Source(
                  row.get("id", String.class), version, row.get("manifest_key", String.class));
            })
        .one()
        .filter(
            source ->
                versionId == null
                    || versionId.equals(source.versionId())
                    || ("v" + versionId).equals(source.versionId()));
  }

  /** The new row and its run (queued). */
  Mono<Void> insert(AnalysisRequest request, Caller caller) {
    return db.sql(
            "INSERT INTO analyses (analysis_id, tenant_id, owner_id, performed_by, project_name,"
                + " capsule_id, version_id, analysis_types, workflow_id) VALUES (:id, :tenant,"
                + " :owner, :by, :project, :capsule, :version, :types, :workflow)")
        .bind("id", UUID.fromString(request.analysisId()))
        .bind("tenant", request.tenantId())
        .bind("owner", caller.userId())
        .bind("by", request.performedBy())
        .bind("project", request.projectName())
        .bind("capsule", request.capsuleId())
        .bind("version", Parameter.fromOrEmpty(request.versionId(), String.class))
        .bind("types", request.types().toArray(String[]::new))
        .bind("workflow", request.workflowId())
        .then()
        .then(
            runs.open(
                request.workflowId(),
                AnalysisRequest.KIND,
                request.tenantId(),
                request.ownerId(),
                "queued"));
  }

  /** One analysis row with its run's status. */
  record Row(
      UUID analysisId,
      String projectName,
      OffsetDateTime createdAt,
      String performedBy,
      String capsuleId,
      String versionId,
      List<String> types,
      String runStatus,
      String runPhase,
      String runError,
      AnalysisBodies.Stored results) {}

  Mono<Row> find(Caller caller, UUID analysisId) {
    return scope(
            db.sql(
                "SELECT a.*, r.status AS run_status, r.phase AS run_phase, r.error AS run_error"
                    + " FROM analyses a LEFT JOIN workflow_runs r ON r.workflow_id ="
                    + " a.workflow_id WHERE a.analysis_id = :id AND a.tenant_id = :tenant"
                    + " AND (:wholeTenant OR a.owner_id = :caller)"),
            caller)
        .bind("id", analysisId)
        .map(this::row)
        .one();
  }

  private Row row(Readable r) {
    Json results = r.get("results", Json.class);
    String[] types = r.get("analysis_types", String[].class);
    AnalysisBodies.Stored stored = null;
    if (results != null) {
      try {
        stored = workerJson.readValue(results.asArray(), AnalysisBodies.Stored.class);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Row(
        r.get("analysis_id", UUID.class),
        r.get("project_name", String.class),
        r.get("created_at", OffsetDateTime.class),
        r.get("performed_by", String.class),
        r.get("capsule_id", String.class),
        r.get("version_id", String.class),
        types == null ? List.of() : Arrays.asList(types),
        r.get("run_status", String.class),
        r.get("run_phase", String.class),
        r.get("run_error", String.class),
        stored);
  }

  /** Marks the run of an analysis whose workflow could not be started failed. */
  Mono<Void> markFailed(String workflowId, String error) {
    return runs.close(
            workflowId,
            dev.shipyard.workflows.platform.RunStatus.FAILED,
            error,
            System.currentTimeMillis())
        .then();
  }

  private static DatabaseClient.GenericExecuteSpec scope(
      DatabaseClient.GenericExecuteSpec spec, Caller caller) {
    return spec.bind("tenant", caller.tenantId())
        .bind("wholeTenant", caller.seesWholeTenant())
        .bind("caller", caller.userId());
  }
}
