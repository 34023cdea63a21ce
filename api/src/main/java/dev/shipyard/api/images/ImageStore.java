package dev.shipyard.api.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.security.Caller;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code container_images} rows (V11) with their run's status from {@code workflow_runs} (the
 * one status path: the worker's projection writes it). Scoped: a caller sees their own images (an
 * admin their tenant's).
 */
@Component
class ImageStore {

  private static final String VIEW =
      "(SELECT i.*, r.status AS run_status, r.phase AS run_phase, r.error AS run_error"
          + " FROM container_images i LEFT JOIN workflow_runs r ON r.workflow_id = i.workflow_id)"
          + " v";
  private static final String VISIBLE =
      " deleted_at IS NULL AND tenant_id = :tenant AND (:wholeTenant OR owner_id = :caller)";

  private final DatabaseClient db;
  private final ObjectMapper json;

  ImageStore(DatabaseClient db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /** An image row with its run's status. */
  record Row(
      UUID id,
      String tenantId,
      UUID ownerId,
      String workflowId,
      String name,
      String repository,
      String tag,
      String description,
      String capsuleId,
      String versionId,
      String registry,
      String digest,
      String mediaType,
      Long size,
      ImageBodies.Blob config,
      List<ImageBodies.Blob> layers,
      String stack,
      String baseImage,
      String sbom,
      String failedStep,
      String failure,
      String runStatus,
      String runPhase,
      String runError,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {

    /** {@code building}, {@code built} or {@code failed}, from the run. */
    String status() {
      if ("completed".equals(runStatus) && digest != null) {
        return "built";
      }
      if ("failed".equals(runStatus) || "cancelled".equals(runStatus)) {
        return "failed";
      }
      return "building";
    }
  }

  Mono<Void> insert(
      UUID id,
      Caller caller,
      String workflowId,
      String name,
      String repository,
      String tag,
      String description,
      String capsuleId,
      String versionId,
      String registry) {
    DatabaseClient.GenericExecuteSpec sql =
        db.sql(
                "INSERT INTO container_images (id, tenant_id, owner_id, workflow_id, name,"
                    + " repository, tag, description, capsule_id, version_id, registry) VALUES"
                    + " (:id, :tenant, :owner, :workflow, :name, :repository, :tag, :description,"
                    + " :capsule, :version, :registry)")
            .bind("id", id)
            .bind("tenant", caller.tenantId())
            .bind("owner", caller.userId())
            .bind("workflow", workflowId)
            .bind("name", name)
            .bind("repository", repository)
            .bind("tag", tag)
            .bind("capsule", capsuleId)
            .bind("version", versionId)
            .bind("registry", registry);
    sql =
        description == null
            ? sql.bindNull("description", String.class)
            : sql.bind("description", description);
    return sql.then();
  }

  /** Removes a row whose workflow could not be started (nothing half-created). */
  Mono<Void> remove(UUID id) {
    return db.sql("DELETE FROM container_images WHERE id = :id").bind("id", id).then();
  }

  Mono<Row> find(Caller caller, UUID id) {
    return scoped(db.sql("SELECT * FROM " + VIEW + " WHERE id = :id AND" + VISIBLE), caller)
        .bind("id", id)
        .map(this::map)
        .one();
  }

  Flux<Row> list(Caller caller) {
    return scoped(
            db.sql("SELECT * FROM " + VIEW + " WHERE" + VISIBLE + " ORDER BY created_at DESC"),
            caller)
        .map(this::map)
        .all();
  }

  Mono<Void> update(UUID id, String tag, String description) {
    DatabaseClient.GenericExecuteSpec sql =
        db.sql(
                "UPDATE container_images SET tag = :tag, description = :description,"
                    + " updated_at = now() WHERE id = :id")
            .bind("id", id)
            .bind("tag", tag);
    sql =
        description == null
            ? sql.bindNull("description", String.class)
            : sql.bind("description", description);
    return sql.then();
  }

  /** How many other live images are the same manifest in the same repository. */
  Mono<Long> sharing(Row row) {
    return db.sql(
            "SELECT count(*) AS n FROM container_images WHERE deleted_at IS NULL AND id <> :id"
                + " AND registry = :registry AND repository = :repository AND digest = :digest")
        .bind("id", row.id())
        .bind("registry", row.registry())
        .bind("repository", row.repository())
        .bind("digest", row.digest())
        .map(r -> r.get("n", Long.class))
        .one();
  }

  Mono<Void> markDeleted(UUID id) {
    return db.sql(
            "UPDATE container_images SET deleted_at = now(), updated_at = now() WHERE id = :id")
        .bind("id", id)
        .then();
  }

  private static DatabaseClient.GenericExecuteSpec scoped(
      DatabaseClient.GenericExecuteSpec sql, Caller caller) {
    return sql.bind("tenant", caller.tenantId())
        .bind("wholeTenant", caller.seesWholeTenant())
        .bind("caller", caller.userId());
  }

  private Row map(Readable r) {
    return new Row(
        r.get("id", UUID.class),
        r.get("tenant_id", String.class),
        r.get("owner_id", UUID.class),
        r.get("workflow_id", String.class),
        r.get("name", String.class),
        r.get("repository", String.class),
        r.get("tag", String.class),
        r.get("description", String.class),
        r.get("capsule_id", String.class),
        r.get("version_id", String.class),
        r.get("registry", String.class),
        r.get("digest", String.class),
        r.get("media_type", String.class),
        r.get("size_bytes", Long.class),
        blob(read(r.get("config", Json.class))),
        blobs(read(r.get("layers", Json.class))),
        r.get("stack", String.class),
        r.get("base_image", String.class),
        r.get("sbom_path", String.class),
        r.get("failed_step", String.class),
        r.get("failure", String.class),
        r.get("run_status", String.class),
        r.get("run_phase", String.class),
        r.get("run_error", String.class),
        r.get("created_at", OffsetDateTime.class),
        r.get("updated_at", OffsetDateTime.class));
  }

  private JsonNode read(Json value) {
    if (value == null) {
      return null;
    }
    try {
      return json.readTree(value.asString());
    } catch (IOException e) {
      throw new IllegalStateException("unreadable JSON column", e);
    }
  }

  private static ImageBodies.Blob blob(JsonNode n) {
    return n == null || n.isNull()
        ? null
        : new ImageBodies.Blob(
            n.path("digest").asText(), n.path("size").asLong(), n.path("media_type").asText());
  }

  private static List<ImageBodies.Blob> blobs(JsonNode n) {
    List<ImageBodies.Blob> out = new ArrayList<>();
    if (n != null) {
      n.forEach(b -> out.add(blob(b)));
    }
    return out;
  }
}
