package dev.shipyard.api.auth;

import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.CredentialCache;
import dev.shipyard.api.security.Secrets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Login sessions and their refresh tokens. A refresh token is used once: each refresh marks it used
 * and issues the next one of the same session. Presenting a used token again means it leaked, so
 * the whole session (every refresh token and access token of it) is revoked. Expiry is measured on
 * the API's {@link Clock}.
 */
@Component
class Sessions {

  static final String REFRESH_PREFIX = "rt_";

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final AuthProperties properties;
  private final Clock clock;
  private final CredentialCache credentials;

  Sessions(
      DatabaseClient db,
      TransactionalOperator tx,
      AuthProperties properties,
      Clock clock,
      CredentialCache credentials) {
    this.db = db;
    this.tx = tx;
    this.properties = properties;
    this.clock = clock;
    this.credentials = credentials;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /** A new session and its first refresh token. */
  record Opened(UUID sessionId, String refreshToken) {}

  Mono<Opened> open(UUID userId) {
    UUID sessionId = Secrets.uuid();
    OffsetDateTime now = now();
    OffsetDateTime expires = now.plus(properties.refreshTokenTtl());
    String refresh = REFRESH_PREFIX + Secrets.token(32);
    return db.sql(
            "INSERT INTO sessions (id, user_id, created_at, expires_at)"
                + " VALUES (:id, :user, :now, :expires)")
        .bind("id", sessionId)
        .bind("user", userId)
        .bind("now", now)
        .bind("expires", expires)
        .then()
        .then(storeRefresh(sessionId, refresh, now, expires))
        .as(tx::transactional)
        .thenReturn(new Opened(sessionId, refresh));
  }

  private Mono<Void> storeRefresh(
      UUID sessionId, String token, OffsetDateTime now, OffsetDateTime expires) {
    return db.sql(
            "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at)"
                + " VALUES (:hash, :session, :now, :expires)")
        .bind("hash", Secrets.digest(token))
        .bind("session", sessionId)
        .bind("now", now)
        .bind("expires", expires)
        .then();
  }

  /** What presenting a refresh token led to. */
  sealed interface Rotation {
    /** The token was current: here is the next one. */
    record Rotated(UUID sessionId, UUID userId, String refreshToken) implements Rotation {}

    /** The token had been used before: the session is now revoked. */
    record Reused(UUID sessionId, UUID userId) implements Rotation {}

    /** Unknown, expired, or of an ended session. */
    record Refused(String reason) implements Rotation {}
  }

  Mono<Rotation> rotate(String refreshToken) {
    byte[] hash = Secrets.digest(refreshToken);
    OffsetDateTime now = now();
    Mono<Rotation> consume =
        db.sql(
                "UPDATE refresh_tokens r SET used_at = :now FROM sessions s"
                    + " WHERE r.token_hash = :hash AND r.used_at IS NULL AND r.expires_at > :now"
                    + " AND s.id = r.session_id AND s.revoked_at IS NULL AND s.expires_at > :now"
                    + " RETURNING r.session_id, s.user_id, s.expires_at")
            .bind("hash", hash)
            .bind("now", now)
            .map(
                row ->
                    new Object[] {
                      row.get("session_id", UUID.class),
                      row.get("user_id", UUID.class),
                      row.get("expires_at", OffsetDateTime.class)
                    })
            .one()
            .flatMap(
                r -> {
                  String next = REFRESH_PREFIX + Secrets.token(32);
                  UUID session = (UUID) r[0];
                  return storeRefresh(session, next, now, (OffsetDateTime) r[2])
                      .thenReturn((Rotation) new Rotation.Rotated(session, (UUID) r[1], next));
                });
    return consume.as(tx::transactional).switchIfEmpty(Mono.defer(() -> diagnose(hash)));
  }

  private Mono<Rotation> diagnose(byte[] hash) {
    return db.sql(
            "SELECT r.session_id, s.user_id, r.used_at, r.expires_at, s.revoked_at"
                + " FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id"
                + " WHERE r.token_hash = :hash")
        .bind("hash", hash)
        .map(
            row -> {
              UUID session = row.get("session_id", UUID.class);
              UUID user = row.get("user_id", UUID.class);
              if (row.get("revoked_at", OffsetDateTime.class) != null) {
                return (Rotation) new Rotation.Refused("Session has ended; log in again");
              }
              if (row.get("used_at", OffsetDateTime.class) != null) {
                return new Rotation.Reused(session, user);
              }
              return new Rotation.Refused("Refresh token has expired; log in again");
            })
        .one()
        .flatMap(
            rotation ->
                rotation instanceof Rotation.Reused reused
                    ? revoke(reused.sessionId(), "refresh_token_reuse").thenReturn(rotation)
                    : Mono.just(rotation))
        .defaultIfEmpty(new Rotation.Refused("Invalid refresh token"));
  }

  /**
   * Ends a session: its refresh tokens and access tokens stop working at once (here through the
   * credential cache; on other API instances through the database's notification).
   */
  Mono<Boolean> revoke(UUID sessionId, String reason) {
    return db.sql(
            "UPDATE sessions SET revoked_at = :now, revoked_reason = :reason"
                + " WHERE id = :id AND revoked_at IS NULL")
        .bind("id", sessionId)
        .bind("now", now())
        .bind("reason", reason)
        .fetch()
        .rowsUpdated()
        .map(n -> n > 0)
        .doFinally(signal -> credentials.sessionEnded(sessionId));
  }

  /** Ends every session of a user except {@code keep} (which may be null). */
  Mono<Long> revokeAll(UUID userId, UUID keep, String reason) {
    return db.sql(
            "UPDATE sessions SET revoked_at = :now, revoked_reason = :reason"
                + " WHERE user_id = :user AND revoked_at IS NULL"
                + " AND (CAST(:keep AS uuid) IS NULL OR id <> CAST(:keep AS uuid))")
        .bind("user", userId)
        .bind("now", now())
        .bind("reason", reason)
        .bind("keep", Parameter.fromOrEmpty(keep, UUID.class))
        .fetch()
        .rowsUpdated()
        .doFinally(signal -> credentials.userChanged(userId));
  }
}
