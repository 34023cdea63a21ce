package dev.shipyard.api.deployments;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.runs.WorkflowRuns;
import dev.shipyard.api.security.Caller;
import dev.shipyard.workflows.deployments.DeploymentInput;
import dev.shipyard.workflows.deployments.DeploymentPhase;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.HealthCheck;
import dev.shipyard.workflows.deployments.Resources;
import dev.shipyard.workflows.platform.RunStatus;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The deployment tables as the API sees them ({@code V7__deployments.sql}), each deployment's
 * status from its run in {@code workflow_runs} (the one status path). Every read is scoped in the
 * query: the caller's own live deployments (an admin's: the tenant's, for reads by ID); anything
 * else does not exist for the caller.
 */
@Component
class DeploymentStore {

  private static final String WITH_RUN =
      "(SELECT d.*, r.status AS run_status, r.phase AS run_phase, r.error AS run_error,"
          + " r.details AS run_details"
          + " FROM deployments d LEFT JOIN workflow_runs r ON r.workflow_id = d.workflow_id)"
          + " deployments";

  private static final String VISIBLE =
      " deleted_at IS NULL AND tenant_id = :tenant AND (:wholeTenant OR owner_id = :caller)";

  private final DatabaseClient db;
  private final WorkflowRuns runs;
  private final TransactionalOperator tx;
  private final ObjectMapper json;

  DeploymentStore(
      DatabaseClient db, WorkflowRuns runs, TransactionalOperator tx, ObjectMapper json) {
    this.db = db;
    this.runs = runs;
    this.tx = tx;
    this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** A deployment as stored, with its run. */
  record Row(
      UUID id,
      String tenantId,
      UUID ownerId,
      String appName,
      String workflowId,
      String namespace,
      String objectName,
      String image,
      int port,
      int replicas,
      int availableReplicas,
      Resources resources,
      HealthCheck healthCheck,
      List<String> envNames,
      int secretsRevision,
      String digest,
      String url,
      String helmChartId,
      String requestHash,
      OffsetDateTime deployedAt,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt,
      String status,
      String error) {}

  /** What a create writes, sealed values included. */
  record NewRow(
      UUID id,
      String tenantId,
      UUID ownerId,
      String appName,
      String workflowId,
      String namespace,
      String objectName,
      DeploymentSpec spec,
      String url,
      String helmChartId,
      String idempotencyKey,
      String requestHash,
      String envSealed,
      String registrySealed) {
    @Override
    public String toString() {
      return "NewRow[" + id + ", " + appName + ", sealed values hidden]";
    }
  }

  /**
   * The deployment row, its secrets revision 1 and its run (running, phase pending, sequence 0), in
   * one transaction. A duplicate app name of the owner is 409; a concurrent create with the same
   * idempotency key answers {@code IDEMPOTENCY_RACE} (the caller reads the winner).
   */
  Mono<Void> insert(NewRow row) {
    DeploymentSpec spec = row.spec();
    return tx.transactional(
        bindAll(
                db.sql(
                    """
                    INSERT INTO deployments (id, tenant_id, owner_id, app_name, workflow_id,
                        namespace, object_name, image, port, replicas, resources, health_check,
                        env_names, secrets_revision, url, helm_chart_id, idempotency_key,
                        request_hash)
                    VALUES (:id, :tenant, :owner, :app, :workflow, :namespace, :object, :image,
                        :port, :replicas, :resources, :health, :envNames, :revision, :url, :chart,
                        :key, :hash)
                    """),
                row)
            .then()
            .then(
                nullable(
                        db.sql(
                            "INSERT INTO deployment_secrets (deployment_id, revision, env_sealed,"
                                + " registry_sealed) VALUES (:id, :revision, :env, :registry)"),
                        "registry",
                        row.registrySealed(),
                        String.class)
                    .bind("id", row.id())
                    .bind("revision", spec.secretsRevision())
                    .bind("env", row.envSealed())
                    .then())
            .then(
                runs.open(
                    row.workflowId(),
                    DeploymentInput.KIND,
                    row.tenantId(),
                    row.ownerId().toString(),
                    DeploymentPhase.PENDING.value()))
            .onErrorMap(DataIntegrityViolationException.class, DeploymentStore::conflict));
  }

  private DatabaseClient.GenericExecuteSpec bindAll(
      DatabaseClient.GenericExecuteSpec sql, NewRow row) {
    DeploymentSpec spec = row.spec();
    sql = nullable(sql, "resources", json(spec.resources()), Json.class);
    sql = nullable(sql, "health", json(spec.healthCheck()), Json.class);
    sql = nullable(sql, "chart", row.helmChartId(), String.class);
    sql = nullable(sql, "key", row.idempotencyKey(), String.class);
    sql = nullable(sql, "hash", row.requestHash(), String.class);
    return sql.bind("id", row.id())
        .bind("tenant", row.tenantId())
        .bind("owner", row.ownerId())
        .bind("app", row.appName())
        .bind("workflow", row.workflowId())
        .bind("namespace", row.namespace())
        .bind("object", row.objectName())
        .bind("image", spec.image())
        .bind("port", spec.port())
        .bind("replicas", spec.replicas())
        .bind("envNames", spec.envNames().toArray(String[]::new))
        .bind("revision", spec.secretsRevision())
        .bind("url", row.url());
  }

  private static ApiException conflict(DataIntegrityViolationException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("deployments_idempotency")) {
      return new ApiException(
          HttpStatus.CONFLICT,
          "IDEMPOTENCY_RACE",
          "A request with this Idempotency-Key is being processed");
    }
    return new ApiException(
        HttpStatus.CONFLICT, "APP_NAME_TAKEN", "You already have a deployment with this app name");
  }

  /** Removes what a create inserted whose workflow could not start: nothing half-created. */
  Mono<Void> remove(UUID id, String workflowId) {
    return tx.transactional(
        db.sql("DELETE FROM deployments WHERE id = :id")
            .bind("id", id)
            .then()
            .then(
                db.sql("DELETE FROM workflow_runs WHERE workflow_id = :w")
                    .bind("w", workflowId)
                    .then()));
  }

  /** The caller's deployment created with {@code key}, deleted or not. */
  Mono<Row> byIdempotencyKey(Caller caller, String key) {
    return db.sql(
            "SELECT * FROM " + WITH_RUN + " WHERE owner_id = :owner AND idempotency_key = :key")
        .bind("owner", caller.userId())
        .bind("key", key)
        .map(this::map)
        .one();
  }

  /** The caller's live deployment (an admin: any of the tenant's). */
  Mono<Row> find(Caller caller, UUID id) {
    return scope(db.sql("SELECT * FROM " + WITH_RUN + " WHERE id = :id AND" + VISIBLE), caller)
        .bind("id", id)
        .map(this::map)
        .one();
  }

  /** A page of the caller's own live deployments, newest first, in {@code phase} when given. */
  Flux<Row> list(Caller caller, String phase, int limit, long offset) {
    return filter(
            db.sql(
                "SELECT * FROM "
                    + WITH_RUN
                    + " WHERE deleted_at IS NULL AND owner_id = :caller"
                    + (phase == null ? "" : " AND " + STATUS + " = :phase")
                    + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset"),
            caller,
            phase)
        .bind("limit", limit)
        .bind("offset", offset)
        .map(this::map)
        .all();
  }

  Mono<Long> count(Caller caller, String phase) {
    return filter(
            db.sql(
                "SELECT count(*) AS n FROM "
                    + WITH_RUN
                    + " WHERE deleted_at IS NULL AND owner_id = :caller"
                    + (phase == null ? "" : " AND " + STATUS + " = :phase")),
            caller,
            phase)
        .map(r -> r.get("n", Long.class))
        .one();
  }

  /** The status shown: the phase, or {@code failed} when the run itself failed. */
  private static final String STATUS =
      "(CASE WHEN run_status IN ('failed', 'cancelled') THEN 'failed'"
          + " ELSE COALESCE(run_phase, 'pending') END)";

  private static DatabaseClient.GenericExecuteSpec filter(
      DatabaseClient.GenericExecuteSpec sql, Caller caller, String phase) {
    sql = sql.bind("caller", caller.userId());
    return phase == null ? sql : sql.bind("phase", phase);
  }

  /** The sealed values of a secrets revision. */
  record Sealed(String env, String registry) {
    @Override
    public String toString() {
      return "Sealed[hidden]";
    }
  }

  Mono<Sealed> secrets(UUID id, int revision) {
    return db.sql(
            "SELECT env_sealed, registry_sealed FROM deployment_secrets"
                + " WHERE deployment_id = :id AND revision = :revision")
        .bind("id", id)
        .bind("revision", revision)
        .map(
            r ->
                new Sealed(
                    r.get("env_sealed", String.class), r.get("registry_sealed", String.class)))
        .one();
  }

  /** The next free secrets revision of a deployment. */
  Mono<Integer> nextRevision(UUID id) {
    return db.sql(
            "SELECT COALESCE(MAX(revision), 0) + 1 AS n FROM deployment_secrets"
                + " WHERE deployment_id = :id")
        .bind("id", id)
        .map(r -> r.get("n", Integer.class))
        .one();
  }

  /** Adds a secrets revision (sealed for it); a revision taken meanwhile is 409. */
  Mono<Void> addRevision(UUID id, int revision, String envSealed, String registrySealed) {
    return nullable(
            nullable(
                db.sql(
                    "INSERT INTO deployment_secrets (deployment_id, revision, env_sealed,"
                        + " registry_sealed) VALUES (:id, :revision, :env, :registry)"),
                "env",
                envSealed,
                String.class),
            "registry",
            registrySealed,
            String.class)
        .bind("id", id)
        .bind("revision", revision)
        .then()
        .onErrorMap(
            DataIntegrityViolationException.class,
            e ->
                new ApiException(
                    HttpStatus.CONFLICT,
                    "CONFLICT",
                    "Another change of this deployment is being made; retry"));
  }

  /** Removes a revision an update did not use (refused or failed). */
  Mono<Void> removeRevision(UUID id, int revision) {
    return db.sql("DELETE FROM deployment_secrets WHERE deployment_id = :id AND revision = :r")
        .bind("id", id)
        .bind("r", revision)
        .then();
  }

  /** Writes the workflow's desired spec into the row after an accepted change. */
  Mono<Void> syncDesired(UUID id, DeploymentSpec spec) {
    return nullable(
            nullable(
                db.sql(
                    """
                    UPDATE deployments
                       SET image = :image, port = :port, replicas = :replicas,
                           resources = :resources, health_check = :health,
                           env_names = :envNames, secrets_revision = :revision, updated_at = now()
                     WHERE id = :id
                    """),
                "resources",
                json(spec.resources()),
                Json.class),
            "health",
            json(spec.healthCheck()),
            Json.class)
        .bind("image", spec.image())
        .bind("port", spec.port())
        .bind("replicas", spec.replicas())
        .bind("envNames", spec.envNames().toArray(String[]::new))
        .bind("revision", spec.secretsRevision())
        .bind("id", id)
        .then();
  }

  /** Marks a deployment deleted (its name is free again); idempotent. */
  Mono<Void> markDeleted(UUID id) {
    return db.sql(
            "UPDATE deployments SET deleted_at = COALESCE(deleted_at, now()), updated_at = now()"
                + " WHERE id = :id")
        .bind("id", id)
        .then();
  }

  /** A release as stored by the worker. */
  record ReleaseRow(
      int number,
      String change,
      String image,
      String digest,
      String author,
      String status,
      String reason,
      OffsetDateTime createdAt) {}

  Flux<ReleaseRow> releases(UUID id, int limit, long offset) {
    return db.sql(
            "SELECT number, change, spec->>'image' AS image, digest, author, status, reason,"
                + " created_at FROM deployment_releases WHERE deployment_id = :id"
                + " ORDER BY number DESC LIMIT :limit OFFSET :offset")
        .bind("id", id)
        .bind("limit", limit)
        .bind("offset", offset)
        .map(
            r ->
                new ReleaseRow(
                    r.get("number", Integer.class),
                    r.get("change", String.class),
                    r.get("image", String.class),
                    r.get("digest", String.class),
                    r.get("author", String.class),
                    r.get("status", String.class),
                    r.get("reason", String.class),
                    r.get("created_at", OffsetDateTime.class)))
        .all();
  }

  Mono<Long> countReleases(UUID id) {
    return db.sql("SELECT count(*) AS n FROM deployment_releases WHERE deployment_id = :id")
        .bind("id", id)
        .map(r -> r.get("n", Long.class))
        .one();
  }

  // --- custom domains ---

  record DomainRow(UUID id, UUID deploymentId, String host, OffsetDateTime createdAt) {}

  /** Reserves {@code host}; 409 when any deployment holds it. */
  Mono<DomainRow> reserveDomain(UUID deploymentId, String host) {
    UUID id = dev.shipyard.api.security.Secrets.uuid();
    return db.sql(
            "INSERT INTO deployment_domains (id, deployment_id, host) VALUES (:id, :d, :host)"
                + " RETURNING created_at")
        .bind("id", id)
        .bind("d", deploymentId)
        .bind("host", host)
        .map(r -> new DomainRow(id, deploymentId, host, r.get("created_at", OffsetDateTime.class)))
        .one()
        .onErrorMap(
            DataIntegrityViolationException.class,
            e ->
                new ApiException(
                    HttpStatus.CONFLICT,
                    "DOMAIN_TAKEN",
                    "The domain " + host + " is used by another deployment"));
  }

  Mono<Void> freeDomain(UUID id) {
    return db.sql("DELETE FROM deployment_domains WHERE id = :id").bind("id", id).then();
  }

  Flux<DomainRow> domains(UUID deploymentId) {
    return db.sql(
            "SELECT * FROM deployment_domains WHERE deployment_id = :d ORDER BY created_at, id")
        .bind("d", deploymentId)
        .map(DeploymentStore::domain)
        .all();
  }

  Mono<DomainRow> domain(UUID deploymentId, UUID id) {
    return db.sql("SELECT * FROM deployment_domains WHERE deployment_id = :d AND id = :id")
        .bind("d", deploymentId)
        .bind("id", id)
        .map(DeploymentStore::domain)
        .one();
  }

  private static DomainRow domain(Readable r) {
    return new DomainRow(
        r.get("id", UUID.class),
        r.get("deployment_id", UUID.class),
        r.get("host", String.class),
        r.get("created_at", OffsetDateTime.class));
  }

  // --- extra services ---

  record ServiceRow(
      UUID id,
      UUID deploymentId,
      String name,
      String type,
      int port,
      int targetPort,
      String protocol,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  Mono<ServiceRow> insertService(Caller caller, ServiceRow s) {
    return db.sql(
            """
            INSERT INTO deployment_services (id, deployment_id, tenant_id, owner_id, name, type,
                port, target_port, protocol)
            VALUES (:id, :d, :tenant, :owner, :name, :type, :port, :target, :protocol)
            RETURNING *
            """)
        .bind("id", s.id())
        .bind("d", s.deploymentId())
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .bind("name", s.name())
        .bind("type", s.type())
        .bind("port", s.port())
        .bind("target", s.targetPort())
        .bind("protocol", s.protocol())
        .map(DeploymentStore::service)
        .one()
        .onErrorMap(DataIntegrityViolationException.class, e -> serviceTaken(s.name()));
  }

  Mono<ServiceRow> updateService(ServiceRow s) {
    return db.sql(
            """
            UPDATE deployment_services
               SET name = :name, type = :type, port = :port, target_port = :target,
                   protocol = :protocol, updated_at = now()
             WHERE id = :id
            RETURNING *
            """)
        .bind("id", s.id())
        .bind("name", s.name())
        .bind("type", s.type())
        .bind("port", s.port())
        .bind("target", s.targetPort())
        .bind("protocol", s.protocol())
        .map(DeploymentStore::service)
        .one()
        .onErrorMap(DataIntegrityViolationException.class, e -> serviceTaken(s.name()));
  }

  private static ApiException serviceTaken(String name) {
    return new ApiException(
        HttpStatus.CONFLICT,
        "SERVICE_NAME_TAKEN",
        "The deployment already has a service named " + name);
  }

  Mono<Void> deleteService(UUID id) {
    return db.sql("DELETE FROM deployment_services WHERE id = :id").bind("id", id).then();
  }

  /** A service of one of the caller's live deployments (an admin: of the tenant's). */
  Mono<ServiceRow> service(Caller caller, UUID id) {
    return scope(
            db.sql(
                "SELECT s.* FROM deployment_services s JOIN deployments d ON d.id ="
                    + " s.deployment_id WHERE s.id = :id AND d.deleted_at IS NULL AND d.tenant_id"
                    + " = :tenant AND (:wholeTenant OR d.owner_id = :caller)"),
            caller)
        .bind("id", id)
        .map(DeploymentStore::service)
        .one();
  }

  private static ServiceRow service(Readable r) {
    return new ServiceRow(
        r.get("id", UUID.class),
        r.get("deployment_id", UUID.class),
        r.get("name", String.class),
        r.get("type", String.class),
        r.get("port", Integer.class),
        r.get("target_port", Integer.class),
        r.get("protocol", String.class),
        r.get("created_at", OffsetDateTime.class),
        r.get("updated_at", OffsetDateTime.class));
  }

  // --- helpers ---

  private static DatabaseClient.GenericExecuteSpec scope(
      DatabaseClient.GenericExecuteSpec sql, Caller caller) {
    return sql.bind("tenant", caller.tenantId())
        .bind("wholeTenant", caller.seesWholeTenant())
        .bind("caller", caller.userId());
  }

  private static <T> DatabaseClient.GenericExecuteSpec nullable(
      DatabaseClient.GenericExecuteSpec sql, String name, T value, Class<T> type) {
    return value == null ? sql.bindNull(name, type) : sql.bind(name, value);
  }

  private Json json(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return Json.of(json.writeValueAsString(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> T read(Json value, Class<T> type) {
    if (value == null) {
      return null;
    }
    try {
      return json.readValue(value.asString(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Row map(Readable r) {
    String runStatus = r.get("run_status", String.class);
    String phase = r.get("run_phase", String.class);
    String status;
    if (runStatus != null
        && RunStatus.of(runStatus).isTerminal()
        && RunStatus.of(runStatus) != RunStatus.COMPLETED) {
      status = DeploymentPhase.FAILED.value();
    } else {
      status = phase == null ? DeploymentPhase.PENDING.value() : phase;
    }
    String[] envNames = r.get("env_names", String[].class);
    return new Row(
        r.get("id", UUID.class),
        r.get("tenant_id", String.class),
        r.get("owner_id", UUID.class),
        r.get("app_name", String.class),
        r.get("workflow_id", String.class),
        r.get("namespace", String.class),
        r.get("object_name", String.class),
        r.get("image", String.class),
        r.get("port", Integer.class),
        r.get("replicas", Integer.class),
        r.get("available_replicas", Integer.class),
        read(r.get("resources", Json.class), Resources.class),
        read(r.get("health_check", Json.class), HealthCheck.class),
        envNames == null ? List.of() : List.of(envNames),
        r.get("secrets_revision", Integer.class),
        r.get("digest", String.class),
        r.get("url", String.class),
        r.get("helm_chart_id", String.class),
        r.get("request_hash", String.class),
        r.get("deployed_at", OffsetDateTime.class),
        r.get("created_at", OffsetDateTime.class),
        r.get("updated_at", OffsetDateTime.class),
        status,
        r.get("run_error", String.class));
  }
}
