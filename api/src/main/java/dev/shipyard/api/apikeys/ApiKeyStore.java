package dev.shipyard.api.apikeys;

import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.CredentialCache;
import dev.shipyard.api.security.Secrets;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code api_keys} table; only digests of keys are stored. */
@Component
class ApiKeyStore {

  private static final String COLUMNS =
      "id, name, description, key_prefix, scopes, created_at, expires_at, last_used";

  private final DatabaseClient db;
  private final CredentialCache credentials;

  ApiKeyStore(DatabaseClient db, CredentialCache credentials) {
    this.db = db;
    this.credentials = credentials;
  }

  /** A stored key, without its secret. */
  record StoredKey(
      UUID id,
      String name,
      String description,
      String keyPrefix,
      String[] scopes,
      OffsetDateTime createdAt,
      OffsetDateTime expiresAt,
      OffsetDateTime lastUsed) {}

  Mono<StoredKey> insert(
      Caller owner,
      String name,
      String description,
      String key,
      String displayPrefix,
      String[] scopes,
      OffsetDateTime expiresAt) {
    return db.sql(
            "INSERT INTO api_keys (id, tenant_id, owner_id, name, description, key_hash,"
                + " key_prefix, scopes, expires_at) VALUES (:id, :tenant, :owner, :name,"
                + " :description, :hash, :prefix, :scopes, :expires) RETURNING "
                + COLUMNS)
        .bind("id", Secrets.uuid())
        .bind("tenant", owner.tenantId())
        .bind("owner", owner.userId())
        .bind("name", name)
        .bind("description", Parameter.fromOrEmpty(description, String.class))
        .bind("hash", Secrets.digest(key))
        .bind("prefix", displayPrefix)
        .bind("scopes", Parameter.fromOrEmpty(scopes, String[].class))
        .bind("expires", Parameter.fromOrEmpty(expiresAt, OffsetDateTime.class))
        .map(ApiKeyStore::map)
        .one();
  }

  /** The owner's keys that still work or may yet (revoked ones are gone), newest first. */
  Flux<StoredKey> pageOf(UUID ownerId, int limit, long offset) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM api_keys WHERE owner_id = :owner AND revoked_at IS NULL"
                + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
        .bind("owner", ownerId)
        .bind("limit", limit)
        .bind("offset", offset)
        .map(ApiKeyStore::map)
        .all();
  }

  Mono<Long> countOf(UUID ownerId) {
    return db.sql(
            "SELECT count(*) AS n FROM api_keys WHERE owner_id = :owner AND revoked_at IS NULL")
        .bind("owner", ownerId)
        .map(row -> row.get("n", Long.class))
        .one();
  }

  /**
   * Revokes a key the caller may see: their own, or any of their tenant for an admin. The scope is
   * part of the query, so a key out of reach is indistinguishable from a missing one.
   */
  Mono<Boolean> revoke(Caller caller, UUID keyId) {
    return db.sql(
            "UPDATE api_keys SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL"
                + " AND tenant_id = :tenant AND (:wholeTenant OR owner_id = :caller)")
        .bind("id", keyId)
        .bind("tenant", caller.tenantId())
        .bind("wholeTenant", caller.seesWholeTenant())
        .bind("caller", caller.userId())
        .fetch()
        .rowsUpdated()
        .map(n -> n > 0)
        .doFinally(signal -> credentials.apiKeyChanged(keyId));
  }

  private static StoredKey map(Readable row) {
    return new StoredKey(
        row.get("id", UUID.class),
        row.get("name", String.class),
        row.get("description", String.class),
        row.get("key_prefix", String.class),
        row.get("scopes", String[].class),
        row.get("created_at", OffsetDateTime.class),
        row.get("expires_at", OffsetDateTime.class),
        row.get("last_used", OffsetDateTime.class));
  }
}
