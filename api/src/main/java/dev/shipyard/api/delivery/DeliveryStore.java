package dev.shipyard.api.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.runs.WorkflowRuns;
import dev.shipyard.api.security.Caller;
import dev.shipyard.workflows.delivery.DeliveryRequest;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.platform.RunStatus;
import io.r2dbc.postgresql.codec.Json;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The API's side of deliveries (V9): the delivery row, its sealed inline credentials and its run,
 * written in one transaction before the workflow starts; the status from the delivery's run ({@code
 * workflow_runs}, the one status path) and the result rows the worker writes when it ends; the
 * saved targets of each user with their sealed credentials. Credentials are only ever written here,
 * sealed; no query reads them back.
 */
@Component
class DeliveryStore {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DatabaseClient db;
  private final WorkflowRuns runs;
  private final TransactionalOperator tx;

  DeliveryStore(DatabaseClient db, WorkflowRuns runs, TransactionalOperator tx) {
    this.db = db;
    this.runs = runs;
    this.tx = tx;
  }

  /** Sealed credentials to store: their row ID (the reference) and the sealed value. */
  record SealedCredentials(UUID id, String sealed) {}

  /** A delivery as stored, with its run's status. */
  record DeliveryRow(
      UUID id,
      String capsuleId,
      String versionId,
      String runStatus,
      String runError,
      OffsetDateTime createdAt,
      OffsetDateTime closedAt) {}

  /** One destination's result. */
  record ResultRow(
      String mode,
      String destination,
      boolean success,
      String url,
      String signedUrl,
      String checksum,
      Map<String, String> metadata,
      String failure,
      String error) {}

  /** A saved target (its credentials stay sealed in their row). */
  record TargetRow(
      UUID id,
      String name,
      String mode,
      String destination,
      Map<String, String> options,
      List<String> credentialNames,
      UUID credentialId,
      OffsetDateTime createdAt) {}

  /** The delivery row, its inline credentials and its run (queued), in one transaction. */
  Mono<Void> insert(DeliveryRequest request, Caller caller, List<SealedCredentials> credentials) {
    UUID id = UUID.fromString(request.deliveryId());
    List<Map<String, Object>> destinations = new ArrayList<>();
    for (DeliveryTarget t : request.targets()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("mode", t.mode());
      d.put("destination", t.destination());
      d.put("options", t.options());
      destinations.add(d);
    }
    Mono<Void> delivery =
        db.sql(
                "INSERT INTO deliveries (id, tenant_id, owner_id, capsule_id, version_id,"
                    + " destinations, workflow_id) VALUES (:id, :tenant, :owner, :capsule,"
                    + " :version, :destinations, :workflow)")
            .bind("id", id)
            .bind("tenant", caller.tenantId())
            .bind("owner", caller.userId())
            .bind("capsule", request.capsuleId())
            .bind("version", request.versionId())
            .bind("destinations", Json.of(write(destinations)))
            .bind("workflow", request.workflowId())
            .then();
    Mono<Void> sealed =
        Flux.fromIterable(credentials)
            .concatMap(
                c ->
                    db.sql(
                            "INSERT INTO delivery_credentials (id, owner_id, delivery_id, sealed)"
                                + " VALUES (:id, :owner, :delivery, :sealed)")
                        .bind("id", c.id())
                        .bind("owner", caller.userId())
                        .bind("delivery", id)
                        .bind("sealed", c.sealed())
                        .then())
            .then();
    Mono<Void> run =
        runs.open(
            request.workflowId(),
            DeliveryRequest.KIND,
            caller.tenantId(),
            caller.userId().toString(),
            "queued");
    return delivery.then(sealed).then(run).as(tx::transactional);
  }

  /** Marks the run of a delivery whose workflow could not be started failed. */
  Mono<Void> markFailed(String workflowId, String error) {
    return runs.close(workflowId, RunStatus.FAILED, error, System.currentTimeMillis()).then();
  }

  /** A delivery of {@code capsuleId} the caller may see (theirs, or any when an admin). */
  Mono<DeliveryRow> find(Caller caller, String capsuleId, UUID id) {
    return db.sql(
            "SELECT d.id, d.capsule_id, d.version_id, d.created_at, r.status AS run_status,"
                + " r.error AS run_error, r.closed_at FROM deliveries d"
                + " LEFT JOIN workflow_runs r ON r.workflow_id = d.workflow_id"
                + " WHERE d.id = :id AND d.capsule_id = :capsule AND d.tenant_id = :tenant"
                + " AND (:whole OR d.owner_id = :caller)")
        .bind("id", id)
        .bind("capsule", capsuleId)
        .bind("tenant", caller.tenantId())
        .bind("whole", caller.seesWholeTenant())
        .bind("caller", caller.userId())
        .map(
            row ->
                new DeliveryRow(
                    row.get("id", UUID.class),
                    row.get("capsule_id", String.class),
                    row.get("version_id", String.class),
                    row.get("run_status", String.class),
                    row.get("run_error", String.class),
                    row.get("created_at", OffsetDateTime.class),
                    row.get("closed_at", OffsetDateTime.class)))
        .one();
  }

  /** A delivery's results, in the request's order. */
  Flux<ResultRow> results(UUID deliveryId) {
    return db.sql(
            "SELECT mode, destination, success, url, signed_url, checksum, metadata::text AS"
                + " metadata, failure, error FROM delivery_results WHERE delivery_id = :id"
                + " ORDER BY position")
        .bind("id", deliveryId)
        .map(
            row ->
                new ResultRow(
                    row.get("mode", String.class),
                    row.get("destination", String.class),
                    Boolean.TRUE.equals(row.get("success", Boolean.class)),
                    row.get("url", String.class),
                    row.get("signed_url", String.class),
                    row.get("checksum", String.class),
                    read(row.get("metadata", String.class)),
                    row.get("failure", String.class),
                    row.get("error", String.class)))
        .all();
  }

  /** A saved target and its sealed credentials, in one transaction; false if the name is taken. */
  Mono<Boolean> insertTarget(
      Caller caller,
      UUID id,
      String name,
      DeliveryConfigs.Checked checked,
      SealedCredentials credentials) {
    Mono<Void> sealed =
        db.sql(
                "INSERT INTO delivery_credentials (id, owner_id, sealed)"
                    + " VALUES (:id, :owner, :sealed)")
            .bind("id", credentials.id())
            .bind("owner", caller.userId())
            .bind("sealed", credentials.sealed())
            .then();
    Mono<Long> target =
        db.sql(
                "INSERT INTO delivery_targets (id, tenant_id, owner_id, name, mode, destination,"
                    + " options, credential_names, credential_id) VALUES (:id, :tenant, :owner,"
                    + " :name, :mode, :destination, :options, :names, :credential)"
                    + " ON CONFLICT (owner_id, name) DO NOTHING")
            .bind("id", id)
            .bind("tenant", caller.tenantId())
            .bind("owner", caller.userId())
            .bind("name", name)
            .bind("mode", checked.mode())
            .bind("destination", checked.destination())
            .bind("options", Json.of(write(checked.options())))
            .bind("names", checked.credentialNames().toArray(String[]::new))
            .bind("credential", credentials.id())
            .fetch()
            .rowsUpdated();
    return sealed
        .then(target)
        .flatMap(
            n ->
                n == 1
                    ? Mono.just(true)
                    // the name is taken: nothing of this request stays
                    : db.sql("DELETE FROM delivery_credentials WHERE id = :id")
                        .bind("id", credentials.id())
                        .then()
                        .thenReturn(false))
        .as(tx::transactional);
  }

  /** The caller's saved targets, newest first. */
  Flux<TargetRow> targets(Caller caller) {
    return db.sql(
            "SELECT id, name, mode, destination, options::text AS options, credential_names,"
                + " credential_id, created_at FROM delivery_targets"
                + " WHERE owner_id = :owner AND tenant_id = :tenant ORDER BY created_at DESC, name")
        .bind("owner", caller.userId())
        .bind("tenant", caller.tenantId())
        .map(
            row ->
                new TargetRow(
                    row.get("id", UUID.class),
                    row.get("name", String.class),
                    row.get("mode", String.class),
                    row.get("destination", String.class),
                    read(row.get("options", String.class)),
                    List.of(row.get("credential_names", String[].class)),
                    row.get("credential_id", UUID.class),
                    row.get("created_at", OffsetDateTime.class)))
        .all();
  }

  /** The caller's saved target, or empty. */
  Mono<TargetRow> target(Caller caller, UUID id) {
    return targets(caller).filter(t -> t.id().equals(id)).next();
  }

  /** Deletes the caller's target and its sealed credentials; false if there was none. */
  Mono<Boolean> deleteTarget(Caller caller, UUID id) {
    return db.sql(
            "DELETE FROM delivery_targets WHERE id = :id AND owner_id = :owner"
                + " AND tenant_id = :tenant RETURNING credential_id")
        .bind("id", id)
        .bind("owner", caller.userId())
        .bind("tenant", caller.tenantId())
        .map(row -> row.get("credential_id", UUID.class))
        .one()
        .flatMap(
            credential ->
                db.sql("DELETE FROM delivery_credentials WHERE id = :id")
                    .bind("id", credential)
                    .then()
                    .thenReturn(true))
        .defaultIfEmpty(false)
        .as(tx::transactional);
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> read(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
