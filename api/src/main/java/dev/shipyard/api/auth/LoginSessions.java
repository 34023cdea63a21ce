package dev.shipyard.api.auth;

import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.AccessTokens;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Permission;
import dev.shipyard.api.users.UserRecord;
import dev.shipyard.api.users.UserStore;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Login sessions as callers see them: starting one (access token + first refresh token), rotating
 * its refresh token, and logging out. Reusing a refresh token revokes its session ({@link
 * Sessions}).
 */
@Service
public class LoginSessions {

  private final UserStore users;
  private final Sessions sessions;
  private final AccessTokens tokens;
  private final AuthProperties properties;
  private final AuditLog audit;

  LoginSessions(
      UserStore users,
      Sessions sessions,
      AccessTokens tokens,
      AuthProperties properties,
      AuditLog audit) {
    this.users = users;
    this.sessions = sessions;
    this.tokens = tokens;
    this.properties = properties;
    this.audit = audit;
  }

  /** Opens a session for {@code user} (already authenticated) and audits it as {@code event}. */
  Mono<LoggedIn> start(UserRecord user, ServerWebExchange exchange, String event) {
    return sessions
        .open(user.id())
        .flatMap(
            opened -> {
              AccessTokens.Issued access = issue(user, opened.sessionId());
              return audit
                  .record(
                      exchange,
                      AuditEntry.about(user.tenantId(), user.id(), event, AuditOutcome.SUCCESS)
                          .subject(user.username())
                          .detail("session", opened.sessionId().toString()))
                  .thenReturn(
                      new LoggedIn(
                          user, access.token(), access.expiresAt(), opened.refreshToken()));
            });
  }

  private AccessTokens.Issued issue(UserRecord user, UUID sessionId) {
    List<String> permissions =
        user.role().permissions(user.tenantId().equals(properties.operatorTenant())).stream()
            .map(Permission::value)
            .toList();
    return tokens.issue(
        user.id(), user.username(), user.tenantId(), user.role(), permissions, sessionId);
  }

  /** Rotates a refresh token; a reused one revokes its session and answers 401. */
  public Mono<LoggedIn> refresh(String refreshToken, ServerWebExchange exchange) {
    return sessions
        .rotate(refreshToken)
        .flatMap(
            rotation -> {
              if (rotation instanceof Sessions.Rotation.Rotated rotated) {
                return rotated(rotated, exchange);
              }
              if (rotation instanceof Sessions.Rotation.Reused reused) {
                return reused(reused, exchange);
              }
              return Mono.error(
                  new ApiException(
                      HttpStatus.UNAUTHORIZED,
                      "UNAUTHORIZED",
                      ((Sessions.Rotation.Refused) rotation).reason()));
            });
  }

  private Mono<LoggedIn> rotated(Sessions.Rotation.Rotated rotated, ServerWebExchange exchange) {
    return users
        .byId(rotated.userId())
        .filter(UserRecord::active)
        .switchIfEmpty(
            Mono.error(
                new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "Account is disabled")))
        .flatMap(
            user -> {
              AccessTokens.Issued access = issue(user, rotated.sessionId());
              return audit
                  .record(
                      exchange,
                      AuditEntry.about(
                              user.tenantId(), user.id(), "auth.refresh", AuditOutcome.SUCCESS)
                          .detail("session", rotated.sessionId().toString()))
                  .thenReturn(
                      new LoggedIn(
                          user, access.token(), access.expiresAt(), rotated.refreshToken()));
            });
  }

  private Mono<LoggedIn> reused(Sessions.Rotation.Reused reused, ServerWebExchange exchange) {
    return users
        .byId(reused.userId())
        .flatMap(
            user ->
                audit.record(
                    exchange,
                    AuditEntry.about(
                            user.tenantId(), user.id(), "auth.refresh_reuse", AuditOutcome.DENIED)
                        .detail("session", reused.sessionId().toString())
                        .detail("revoked", true)))
        .then(
            Mono.error(
                new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    "REFRESH_TOKEN_REUSED",
                    "This refresh token was already used; the session has been"
                        + " revoked, log in again")));
  }

  /** Ends the caller's session, revoking its refresh tokens and access tokens. */
  public Mono<Void> logout(Caller caller, ServerWebExchange exchange) {
    if (caller.sessionId() == null) {
      return Mono.error(
          new ApiException(
              HttpStatus.BAD_REQUEST,
              "NO_SESSION",
              "API keys have no session to log out of; revoke the key with DELETE"
                  + " /v1/api-keys/{keyId}"));
    }
    return sessions
        .revoke(caller.sessionId(), "logout")
        .then(
            audit.record(
                exchange,
                AuditEntry.by(caller, "auth.logout", AuditOutcome.SUCCESS)
                    .detail("session", caller.sessionId().toString())));
  }
}
