package dev.shipyard.api.charts;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.runs.WorkflowRuns;
import dev.shipyard.api.security.Caller;
import dev.shipyard.workflows.charts.HelmChartValidationRequest;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The chart tables as the API sees them ({@code V12__helm_charts.sql}), each version's status from
 * its run in {@code workflow_runs} (the one status path). Every read is scoped in the query to the
 * caller's own charts: anything else does not exist for the caller.
 */
@Component
class HelmChartStore {

  private static final String WITH_VERSION =
      """
      SELECT c.id, c.name, c.version, c.source, c.created_at, c.updated_at,
             v.description, v.app_version, v.content_sha256, v.package_key, v.package_size,
             v.rendered_key, v.workflow_id, v.messages, v.rendered,
             r.phase AS run_phase, r.status AS run_status, r.error AS run_error,
             GREATEST(c.updated_at, r.updated_at) AS last_updated
        FROM helm_charts c
        JOIN helm_chart_versions v ON v.chart_id = c.id AND v.version = c.version
        LEFT JOIN workflow_runs r ON r.workflow_id = v.workflow_id
      """;

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final DatabaseClient db;
  private final WorkflowRuns runs;
  private final TransactionalOperator tx;
  private final ObjectMapper json;

  HelmChartStore(
      DatabaseClient db, WorkflowRuns runs, TransactionalOperator tx, ObjectMapper json) {
    this.db = db;
    this.runs = runs;
    this.tx = tx;
    this.json = json;
  }

  /** A chart with its current version and that version's run. */
  record Row(
      UUID id,
      String name,
      String version,
      String source,
      OffsetDateTime createdAt,
      OffsetDateTime lastUpdated,
      String description,
      String appVersion,
      String contentSha256,
      String packageKey,
      long packageSize,
      String renderedKey,
      String workflowId,
      List<String> messages,
      boolean rendered,
      String status,
      String error) {}

  /** A version about to be written. */
  record NewVersion(
      String version,
      String description,
      String appVersion,
      String contentSha256,
      String packageKey,
      long packageSize,
      String renderedKey) {}

  /** A version as stored, for the re-use check. */
  record StoredVersion(String version, String contentSha256) {}

  /**
   * The chart, its first version and that version's run (phase validating), in one transaction. A
   * chart of the same name of this owner answers 409 with its ID.
   */
  Mono<Void> insert(Caller caller, UUID id, String name, String source, NewVersion v) {
    String workflowId = HelmChartValidationRequest.workflowId(id.toString(), v.version());
    return tx.transactional(
            db.sql(
                    "INSERT INTO helm_charts (id, tenant_id, owner_id, name, version, source)"
                        + " VALUES (:id, :tenant, :owner, :name, :version, :source)")
                .bind("id", id)
                .bind("tenant", caller.tenantId())
                .bind("owner", caller.userId())
                .bind("name", name)
                .bind("version", v.version())
                .bind("source", source)
                .then()
                .then(insertVersion(id, v))
                .then(open(caller, workflowId)))
        .onErrorResume(
            DataIntegrityViolationException.class,
            e ->
                byName(caller, name)
                    .defaultIfEmpty(id)
                    .flatMap(existing -> Mono.error(nameTaken(name, existing))));
  }

  /** A new version of the chart, made current, with its run (phase validating). */
  Mono<Void> addVersion(Caller caller, UUID chartId, NewVersion v) {
    String workflowId = HelmChartValidationRequest.workflowId(chartId.toString(), v.version());
    return tx.transactional(
        insertVersion(chartId, v)
            .then(makeCurrent(chartId, v.version()))
            .then(open(caller, workflowId))
            .onErrorMap(
                DataIntegrityViolationException.class,
                e ->
                    HelmChartErrors.conflict(
                        "Version "
                            + v.version()
                            + " of chart "
                            + chartId
                            + " was written meanwhile")));
  }

  Mono<Void> makeCurrent(UUID chartId, String version) {
    return db.sql("UPDATE helm_charts SET version = :version, updated_at = now() WHERE id = :id")
        .bind("id", chartId)
        .bind("version", version)
        .then();
  }

  private Mono<Void> insertVersion(UUID chartId, NewVersion v) {
    DatabaseClient.GenericExecuteSpec spec =
        db.sql(
                """
                INSERT INTO helm_chart_versions (chart_id, version, description, app_version,
                    content_sha256, package_key, package_size, rendered_key, workflow_id)
                VALUES (:chart, :version, :description, :appVersion, :sha, :package, :size,
                    :rendered, :workflow)
                """)
            .bind("chart", chartId)
            .bind("version", v.version())
            .bind("sha", v.contentSha256())
            .bind("package", v.packageKey())
            .bind("size", v.packageSize())
            .bind("rendered", v.renderedKey())
            .bind(
                "workflow", HelmChartValidationRequest.workflowId(chartId.toString(), v.version()));
    spec =
        v.description() == null
            ? spec.bindNull("description", String.class)
            : spec.bind("description", v.description());
    spec =
        v.appVersion() == null
            ? spec.bindNull("appVersion", String.class)
            : spec.bind("appVersion", v.appVersion());
    return spec.then();
  }

  private Mono<Void> open(Caller caller, String workflowId) {
    return runs.open(
        workflowId,
        HelmChartValidationRequest.KIND,
        caller.tenantId(),
        caller.userId().toString(),
        "validating");
  }

  /** The caller's chart, or empty. */
  Mono<Row> find(Caller caller, UUID id) {
    return db.sql(
            WITH_VERSION + " WHERE c.id = :id AND c.tenant_id = :tenant AND c.owner_id = :owner")
        .bind("id", id)
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .map(this::map)
        .one();
  }

  /** One page of the caller's charts, newest first. */
  Flux<Row> page(Caller caller, int page, int perPage) {
    return db.sql(
            WITH_VERSION
                + " WHERE c.tenant_id = :tenant AND c.owner_id = :owner"
                + " ORDER BY c.created_at DESC, c.id LIMIT :limit OFFSET :offset")
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .bind("limit", perPage)
        .bind("offset", (long) (page - 1) * perPage)
        .map(this::map)
        .all();
  }

  Mono<Long> count(Caller caller) {
    return db.sql(
            "SELECT count(*) AS n FROM helm_charts WHERE tenant_id = :tenant AND owner_id = :owner")
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .map(r -> r.get("n", Long.class))
        .one();
  }

  /** The stored version {@code version} of the chart, or empty. */
  Mono<StoredVersion> version(UUID chartId, String version) {
    return db.sql(
            "SELECT version, content_sha256 FROM helm_chart_versions"
                + " WHERE chart_id = :chart AND version = :version")
        .bind("chart", chartId)
        .bind("version", version)
        .map(
            r ->
                new StoredVersion(
                    r.get("version", String.class), r.get("content_sha256", String.class)))
        .one();
  }

  /** Every object key of the chart's versions (packages and rendered manifests). */
  Flux<String> keys(UUID chartId) {
    return db.sql(
            "SELECT package_key, rendered_key FROM helm_chart_versions WHERE chart_id = :chart")
        .bind("chart", chartId)
        .map(r -> List.of(r.get("package_key", String.class), r.get("rendered_key", String.class)))
        .all()
        .flatMapIterable(keys -> keys);
  }

  /** Deletes the chart and its versions; emits whether a row went. */
  Mono<Boolean> delete(Caller caller, UUID id) {
    return db.sql(
            "DELETE FROM helm_charts WHERE id = :id AND tenant_id = :tenant AND owner_id = :owner")
        .bind("id", id)
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .fetch()
        .rowsUpdated()
        .map(n -> n > 0);
  }

  /** Undoes a create whose workflow could not start. */
  Mono<Void> forget(UUID id) {
    return db.sql("DELETE FROM helm_charts WHERE id = :id").bind("id", id).then();
  }

  /** Undoes a version whose workflow could not start: the previous version is current again. */
  Mono<Void> forgetVersion(UUID chartId, String version, String previous) {
    return tx.transactional(
        makeCurrent(chartId, previous)
            .then(
                db.sql("DELETE FROM helm_chart_versions WHERE chart_id = :chart AND version = :v")
                    .bind("chart", chartId)
                    .bind("v", version)
                    .then()));
  }

  private Mono<UUID> byName(Caller caller, String name) {
    return db.sql(
            "SELECT id FROM helm_charts WHERE tenant_id = :tenant AND owner_id = :owner"
                + " AND name = :name")
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .bind("name", name)
        .map(r -> r.get("id", UUID.class))
        .one();
  }

  private static ApiException nameTaken(String name, UUID existing) {
    return HelmChartErrors.conflict(
        "A chart named " + name + " already exists (id " + existing + ")");
  }

  private Row map(Readable r) {
    String phase = r.get("run_phase", String.class);
    String runStatus = r.get("run_status", String.class);
    String status;
    if ("valid".equals(phase) || "invalid".equals(phase)) {
      status = phase;
    } else if ("failed".equals(runStatus) || "cancelled".equals(runStatus)) {
      status = "invalid";
    } else {
      status = "validating";
    }
    List<String> messages;
    try {
      Json stored = r.get("messages", Json.class);
      messages = stored == null ? List.of() : json.readValue(stored.asString(), STRINGS);
    } catch (IOException e) {
      messages = List.of();
    }
    String error = r.get("run_error", String.class);
    if (messages.isEmpty() && "invalid".equals(status) && error != null) {
      messages = List.of(error);
    }
    Long size = r.get("package_size", Long.class);
    Boolean rendered = r.get("rendered", Boolean.class);
    return new Row(
        r.get("id", UUID.class),
        r.get("name", String.class),
        r.get("version", String.class),
        r.get("source", String.class),
        r.get("created_at", OffsetDateTime.class),
        r.get("last_updated", OffsetDateTime.class),
        r.get("description", String.class),
        r.get("app_version", String.class),
        r.get("content_sha256", String.class),
        r.get("package_key", String.class),
        size == null ? 0 : size,
        r.get("rendered_key", String.class),
        r.get("workflow_id", String.class),
        messages,
        Boolean.TRUE.equals(rendered),
        status,
        error);
  }
}
