package dev.shipyard.api.security;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns a bearer credential into a {@link Caller}: an access token (verified, then checked against
 * its session, so logout and refresh-token reuse revoke it at once) or an API key (looked up by
 * digest; revoked or expired keys fail). Role and active state are read fresh from the database, so
 * a demoted or disabled user loses access without waiting for tokens to expire.
 */
@Component
public class CallerAuthenticator {

  private final AccessTokens tokens;
  private final DatabaseClient db;
  private final AuthProperties properties;

  public CallerAuthenticator(AccessTokens tokens, DatabaseClient db, AuthProperties properties) {
    this.tokens = tokens;
    this.db = db;
    this.properties = properties;
  }

  /** The caller behind {@code credential}, or an {@link AuthenticationFailure}. */
  public Mono<Caller> authenticate(String credential) {
    if (credential.startsWith(properties.apiKeyPrefix())) {
      return apiKey(credential);
    }
    return tokens
        .verify(credential)
        .onErrorMap(JwtException.class, CallerAuthenticator::tokenFailure)
        .flatMap(this::session);
  }

  private static AuthenticationFailure tokenFailure(JwtException e) {
    if (e instanceof JwtValidationException invalid
        && invalid.getErrors().stream()
            .anyMatch(
                err -> err.getDescription() != null && err.getDescription().contains("expired"))) {
      return new AuthenticationFailure("Access token has expired");
    }
    return new AuthenticationFailure("Invalid access token");
  }

  private Mono<Caller> session(Jwt jwt) {
    UUID sessionId;
    UUID userId;
    try {
      sessionId = UUID.fromString(jwt.getClaimAsString("sid"));
      userId = UUID.fromString(jwt.getClaimAsString("uid"));
    } catch (RuntimeException e) {
      return Mono.error(new AuthenticationFailure("Invalid access token"));
    }
    return db.sql(
            "SELECT u.username, u.tenant_id, u.role, u.is_active, s.revoked_at, s.expires_at"
                + " FROM sessions s JOIN users u ON u.id = s.user_id"
                + " WHERE s.id = :sid AND u.id = :uid")
        .bind("sid", sessionId)
        .bind("uid", userId)
        .map(
            (row, meta) -> {
              if (row.get("revoked_at", OffsetDateTime.class) != null) {
                throw new AuthenticationFailure("Session has ended; log in again");
              }
              if (!Boolean.TRUE.equals(row.get("is_active", Boolean.class))) {
                throw new AuthenticationFailure("Account is disabled");
              }
              Role role = Role.fromValue(row.get("role", String.class)).orElseThrow();
              String tenant = row.get("tenant_id", String.class);
              return new Caller(
                  userId,
                  row.get("username", String.class),
                  tenant,
                  role,
                  role.permissions(tenant.equals(properties.operatorTenant())),
                  sessionId,
                  null);
            })
        .one()
        .switchIfEmpty(Mono.error(() -> new AuthenticationFailure("Invalid access token")));
  }

  private Mono<Caller> apiKey(String key) {
    return db.sql(
            "SELECT k.id, k.scopes, k.expires_at, k.owner_id, u.username, u.tenant_id, u.role,"
                + " u.is_active FROM api_keys k JOIN users u ON u.id = k.owner_id"
                + " WHERE k.key_hash = :hash AND k.revoked_at IS NULL")
        .bind("hash", Secrets.digest(key))
        .map(
            (row, meta) -> {
              OffsetDateTime expires = row.get("expires_at", OffsetDateTime.class);
              if (expires != null && expires.isBefore(OffsetDateTime.now())) {
                throw new AuthenticationFailure("API key has expired");
              }
              if (!Boolean.TRUE.equals(row.get("is_active", Boolean.class))) {
                throw new AuthenticationFailure("Account is disabled");
              }
              Role role = Role.fromValue(row.get("role", String.class)).orElseThrow();
              String tenant = row.get("tenant_id", String.class);
              Set<Permission> permissions =
                  narrow(
                      role.permissions(tenant.equals(properties.operatorTenant())),
                      row.get("scopes", String[].class));
              return new Caller(
                  row.get("owner_id", UUID.class),
                  row.get("username", String.class),
                  tenant,
                  role,
                  permissions,
                  null,
                  row.get("id", UUID.class));
            })
        .one()
        .switchIfEmpty(
            Mono.error(() -> new AuthenticationFailure("API key is invalid or has been revoked")))
        .flatMap(caller -> touch(caller.apiKeyId()).thenReturn(caller));
  }

  /** A key's permissions: its owner's, narrowed to its scopes when it has any. */
  static Set<Permission> narrow(Set<Permission> owner, String[] scopes) {
    if (scopes == null) {
      return owner;
    }
    EnumSet<Permission> narrowed = EnumSet.noneOf(Permission.class);
    Arrays.stream(scopes)
        .map(Permission::fromValue)
        .flatMap(java.util.Optional::stream)
        .filter(owner::contains)
        .forEach(narrowed::add);
    return narrowed;
  }

  /** Records use, at most once a minute per key, so busy keys do not write on every request. */
  private Mono<Void> touch(UUID keyId) {
    return db.sql(
            "UPDATE api_keys SET last_used = now() WHERE id = :id"
                + " AND (last_used IS NULL OR last_used < now() - interval '1 minute')")
        .bind("id", keyId)
        .then();
  }
}
