package dev.shipyard.api.capsules.signing;

import dev.shipyard.api.error.ApiException;
import dev.shipyard.secrets.SecretBox;
import io.r2dbc.spi.Readable;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The tenants' server-managed Ed25519 keys ({@code capsule_signing_keys}, V8_2). A tenant's first
 * signature creates its key: generated off the event loop, the private key sealed with the {@link
 * SecretBox} of {@code SECRETS_KEYS} (context: tenant and key ID) before it reaches PostgreSQL, and
 * inserted with {@code ON CONFLICT DO NOTHING} on the one-active-key index, then read back, so two
 * first signatures at once end up with the same key. Rotation retires the active key and keeps it
 * listed, so what it signed still verifies. The private key is opened only to sign, in memory.
 */
@Component
class SigningKeys {

  private static final String COLUMNS =
      "tenant_id, key_id, algorithm, public_key_pem, private_key_sealed, active, created_at,"
          + " retired_at";

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final ObjectProvider<SecretBox> box;
  private final Clock clock;

  SigningKeys(
      DatabaseClient db, TransactionalOperator tx, ObjectProvider<SecretBox> box, Clock clock) {
    this.db = db;
    this.tx = tx;
    this.box = box;
    this.clock = clock;
  }

  /** The tenant's keys, newest first (active and retired). */
  Flux<SigningKey> list(String tenantId) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM capsule_signing_keys WHERE tenant_id = :tenant"
                + " ORDER BY created_at DESC, key_id")
        .bind("tenant", tenantId)
        .map(SigningKeys::map)
        .all();
  }

  /** One key of the tenant, or empty. */
  Mono<SigningKey> find(String tenantId, String keyId) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM capsule_signing_keys WHERE tenant_id = :tenant AND key_id = :key")
        .bind("tenant", tenantId)
        .bind("key", keyId)
        .map(SigningKeys::map)
        .one();
  }

  /** The tenant's active key, created now when it has none (race-safe). */
  Mono<SigningKey> active(String tenantId) {
    return findActive(tenantId).switchIfEmpty(Mono.defer(() -> create(tenantId, false)));
  }

  /**
   * A new active key for the tenant; the previous one is retired (kept, still verifying). When
   * another rotation wins the race, its key is the answer.
   */
  Mono<SigningKey> rotate(String tenantId) {
    return create(tenantId, true);
  }

  /** The private key of {@code key}, opened from its sealed form (503 without SECRETS_KEYS). */
  PrivateKey privateKey(SigningKey key) {
    String pkcs8 =
        requireBox()
            .open(SigningKey.sealingContext(key.tenantId(), key.keyId()), key.privateKeySealed());
    return Ed25519.privateKey(Base64.getDecoder().decode(pkcs8));
  }

  private Mono<SigningKey> findActive(String tenantId) {
    return db.sql(
            "SELECT " + COLUMNS + " FROM capsule_signing_keys WHERE tenant_id = :tenant AND active")
        .bind("tenant", tenantId)
        .map(SigningKeys::map)
        .one();
  }

  private Mono<SigningKey> create(String tenantId, boolean retireActive) {
    return Mono.fromCallable(() -> newKey(tenantId))
        // key generation and sealing read the system's entropy source
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            fresh -> {
              Mono<Long> retire =
                  retireActive
                      ? db.sql(
                              "UPDATE capsule_signing_keys SET active = false, retired_at = :now"
                                  + " WHERE tenant_id = :tenant AND active")
                          .bind("tenant", tenantId)
                          .bind("now", fresh.createdAt())
                          .fetch()
                          .rowsUpdated()
                      : Mono.just(0L);
              Mono<Long> insert =
                  db.sql(
                          "INSERT INTO capsule_signing_keys (tenant_id, key_id, algorithm,"
                              + " public_key_pem, private_key_sealed, active, created_at)"
                              + " VALUES (:tenant, :key, :algorithm, :pem, :sealed, true, :now)"
                              + " ON CONFLICT (tenant_id) WHERE active DO NOTHING")
                      .bind("tenant", tenantId)
                      .bind("key", fresh.keyId())
                      .bind("algorithm", fresh.algorithm())
                      .bind("pem", fresh.publicKeyPem())
                      .bind("sealed", fresh.privateKeySealed())
                      .bind("now", fresh.createdAt())
                      .fetch()
                      .rowsUpdated();
              return retire.then(insert).then(findActive(tenantId)).as(tx::transactional);
            });
  }

  private SigningKey newKey(String tenantId) {
    SecretBox secrets = requireBox();
    KeyPair pair = Ed25519.generate();
    String keyId = Ed25519.keyId(pair.getPublic());
    String sealed =
        secrets.seal(
            SigningKey.sealingContext(tenantId, keyId),
            Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
    return new SigningKey(
        tenantId,
        keyId,
        Ed25519.ALGORITHM,
        Ed25519.pem(pair.getPublic()),
        sealed,
        true,
        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
        null);
  }

  private SecretBox requireBox() {
    SecretBox secrets = box.getIfAvailable();
    if (secrets == null) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "NO_SECRETS_KEYS",
          "Ed25519 signing needs SECRETS_KEYS (id:base64-of-32-bytes) to seal the tenant's private"
              + " key");
    }
    return secrets;
  }

  private static SigningKey map(Readable row) {
    return new SigningKey(
        row.get("tenant_id", String.class),
        row.get("key_id", String.class),
        row.get("algorithm", String.class),
        row.get("public_key_pem", String.class),
        row.get("private_key_sealed", String.class),
        Boolean.TRUE.equals(row.get("active", Boolean.class)),
        row.get("created_at", OffsetDateTime.class),
        row.get("retired_at", OffsetDateTime.class));
  }
}
