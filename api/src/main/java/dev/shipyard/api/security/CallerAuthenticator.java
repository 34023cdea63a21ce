package dev.shipyard.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * digest; revoked or expired keys fail). Role and active state are read from the database, so a
 * demoted or disabled user loses access without waiting for tokens to expire. A credential seen
 * before is answered from {@link CredentialCache}, which every such change empties at once.
 */
@Component
public class CallerAuthenticator {

  private final AccessTokens tokens;
  private final DatabaseClient db;
  private final AuthProperties properties;
  private final CredentialCache cache;
  private final Clock clock;

  /** API keys whose use this instance recorded in the last minute. */
  private final Cache<UUID, Boolean> touched =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

  public CallerAuthenticator(
      AccessTokens tokens,
      DatabaseClient db,
      AuthProperties properties,
      CredentialCache cache,
      Clock clock) {
    this.tokens = tokens;
    this.db = db;
    this.properties = properties;
    this.cache = cache;
    this.clock = clock;
  }

  /** The caller behind {@code credential}, or an {@link AuthenticationFailure}. */
  public Mono<Caller> authenticate(String credential) {
    boolean apiKey = credential.startsWith(properties.apiKeyPrefix());
    if (!cache.active()) {
      return apiKey ? apiKey(credential).map(ApiKeyCaller::caller) : accessToken(credential);
    }
    ByteBuffer key = CredentialCache.key(credential);
    Caller cached = cache.get(key, clock.instant());
    if (cached != null) {
      return apiKey ? touch(cached) : Mono.just(cached);
    }
    long generation = cache.generation();
    if (apiKey) {
      return apiKey(credential)
          .doOnNext(found -> cache.put(key, generation, found.caller(), found.expiresAt()))
          .map(ApiKeyCaller::caller);
    }
    return tokens
        .verify(credential)
        .onErrorMap(JwtException.class, CallerAuthenticator::tokenFailure)
        .flatMap(
            jwt ->
                session(jwt)
                    .doOnNext(
                        caller ->
                            cache.put(key, generation, caller, usableUntil(jwt.getExpiresAt()))));
  }

  private Mono<Caller> accessToken(String credential) {
    return tokens
        .verify(credential)
        .onErrorMap(JwtException.class, CallerAuthenticator::tokenFailure)
        .flatMap(this::session);
  }

  /** The verifier accepts a token until 60 s after {@code exp} (clock skew): so does the cache. */
  private static Instant usableUntil(Instant expiresAt) {
    return expiresAt == null ? null : expiresAt.plusSeconds(60);
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

  /** A caller through an API key, and when the key expires (or null). */
  private record ApiKeyCaller(Caller caller, Instant expiresAt) {}

  private Mono<ApiKeyCaller> apiKey(String key) {
    return db.sql(
            "SELECT k.id, k.scopes, k.expires_at, k.owner_id, u.username, u.tenant_id, u.role,"
                + " u.is_active FROM api_keys k JOIN users u ON u.id = k.owner_id"
                + " WHERE k.key_hash = :hash AND k.revoked_at IS NULL")
        .bind("hash", Secrets.digest(key))
        .map(
            (row, meta) -> {
              OffsetDateTime expires = row.get("expires_at", OffsetDateTime.class);
              if (expires != null && expires.toInstant().isBefore(clock.instant())) {
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
              return new ApiKeyCaller(
                  new Caller(
                      row.get("owner_id", UUID.class),
                      row.get("username", String.class),
                      tenant,
                      role,
                      permissions,
                      null,
                      row.get("id", UUID.class)),
                  expires == null ? null : expires.toInstant());
            })
        .one()
        .switchIfEmpty(
            Mono.error(() -> new AuthenticationFailure("API key is invalid or has been revoked")))
        .flatMap(found -> touch(found.caller()).thenReturn(found));
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

  /**
   * Records use, at most once a minute per key (and per instance, which remembers its own writes),
   * so busy keys do not write, or even query, on every request.
   */
  private Mono<Caller> touch(Caller caller) {
    UUID keyId = caller.apiKeyId();
    if (touched.asMap().putIfAbsent(keyId, Boolean.TRUE) != null) {
      return Mono.just(caller);
    }
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
    return db.sql(
            "UPDATE api_keys SET last_used = :now WHERE id = :id"
                + " AND (last_used IS NULL OR last_used < :now - interval '1 minute')")
        .bind("id", keyId)
        .bind("now", now)
        .then()
        .doOnError(e -> touched.invalidate(keyId))
        .thenReturn(caller);
  }
}
