package dev.shipyard.api.deployments;

import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Caller;
import dev.shipyard.cluster.DeploymentObjects;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one way the API finds "the caller's deployment": a live deployment (not deleted) by ID, its
 * owner in the query itself ({@code WHERE tenant_id = :tenant AND (:wholeTenant OR owner_id =
 * :caller)}, the tenant's admins seeing the whole tenant, as for builds). Anything else, another
 * user's deployment included, does not exist for the caller: {@link #require} answers 404 in the
 * family of the path, so the existence of someone else's deployment never leaks. Every endpoint
 * under {@code /v1/deployments/{id}} and {@code /api/deployments/{id}} starts here.
 */
@Component
public class OwnedDeployments {

  private final DatabaseClient db;

  public OwnedDeployments(DatabaseClient db) {
    this.db = db;
  }

  /**
   * What every endpoint of one deployment needs to know about it: who owns it, where its objects
   * live, its workflow.
   */
  public record Owned(
      UUID id,
      UUID ownerId,
      String tenantId,
      String appName,
      String namespace,
      String objectName,
      String workflowId,
      String url,
      Instant createdAt) {

    /** Its objects in the cluster (names and labels). */
    public DeploymentObjects objects() {
      return new DeploymentObjects(
          id.toString(), ownerId.toString(), appName, namespace, objectName);
    }
  }

  /** The caller's live deployment {@code id}; empty when there is none the caller may see. */
  public Mono<Owned> find(Caller caller, UUID id) {
    return db.sql(
            "SELECT id, owner_id, tenant_id, app_name, namespace, object_name, workflow_id, url,"
                + " created_at FROM deployments WHERE id = :id AND deleted_at IS NULL"
                + " AND tenant_id = :tenant AND (:wholeTenant OR owner_id = :caller)")
        .bind("id", id)
        .bind("tenant", caller.tenantId())
        .bind("wholeTenant", caller.seesWholeTenant())
        .bind("caller", caller.userId())
        .map(OwnedDeployments::owned)
        .one();
  }

  /**
   * The caller's live deployment {@code rawId}, or a 404 {@link ApiException} (rendered in the
   * family of the path) when the ID is not a UUID or names nothing the caller may see.
   */
  public Mono<Owned> require(Caller caller, String rawId) {
    UUID id = parse(rawId);
    if (id == null) {
      return Mono.error(notFound());
    }
    return find(caller, id).switchIfEmpty(Mono.error(OwnedDeployments::notFound));
  }

  /** The 404 of a deployment the caller may not see (or that does not exist). */
  public static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "Deployment not found");
  }

  /** {@code raw} as a UUID, or null. */
  public static UUID parse(String raw) {
    if (raw == null || raw.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Owned owned(Readable row) {
    return new Owned(
        row.get("id", UUID.class),
        row.get("owner_id", UUID.class),
        row.get("tenant_id", String.class),
        row.get("app_name", String.class),
        row.get("namespace", String.class),
        row.get("object_name", String.class),
        row.get("workflow_id", String.class),
        row.get("url", String.class),
        row.get("created_at", OffsetDateTime.class).toInstant());
  }
}
