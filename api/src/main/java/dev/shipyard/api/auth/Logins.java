package dev.shipyard.api.auth;

import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.users.UserRecord;
import dev.shipyard.api.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Login by password with lockout: {@code LOGIN_MAX_FAILURES} failures in a row lock the account for
 * {@code LOGIN_LOCKOUT}, measured on the API's {@link Clock}. Every attempt is audited.
 */
@Service
public class Logins {

  private final UserStore users;
  private final Passwords passwords;
  private final LoginSessions sessions;
  private final AuthProperties properties;
  private final AuditLog audit;
  private final Clock clock;

  Logins(
      UserStore users,
      Passwords passwords,
      LoginSessions sessions,
      AuthProperties properties,
      AuditLog audit,
      Clock clock) {
    this.users = users;
    this.passwords = passwords;
    this.sessions = sessions;
    this.properties = properties;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Logs in the user {@code lookup} finds. Unknown accounts answer {@code unknownStatus} (the
   * container-engine document says 404 for login by email); a wrong password 401 with the attempts
   * left; the attempt that reaches the limit locks the account (423 with Retry-After).
   */
  public Mono<LoggedIn> login(
      Mono<UserRecord> lookup,
      String identifier,
      String password,
      HttpStatus unknownStatus,
      ServerWebExchange exchange) {
    return lookup
        .switchIfEmpty(
            Mono.defer(
                () ->
                    passwords
                        .spendVerification(password)
                        .then(
                            audit.record(
                                exchange,
                                AuditEntry.about(null, null, "auth.login", AuditOutcome.FAILURE)
                                    .subject(identifier)
                                    .detail("reason", "unknown_account")))
                        .then(
                            Mono.error(
                                new ApiException(
                                    unknownStatus,
                                    unknownStatus == HttpStatus.NOT_FOUND
                                        ? "USER_NOT_FOUND"
                                        : "INVALID_CREDENTIALS",
                                    unknownStatus == HttpStatus.NOT_FOUND
                                        ? "User not found"
                                        : "Invalid credentials")))))
        .flatMap(user -> checkLock(user, exchange))
        .flatMap(
            user ->
                passwords
                    .matches(password, user.passwordHash())
                    .flatMap(
                        ok ->
                            ok
                                ? succeed(user, exchange)
                                : fail(user, exchange).then(Mono.<LoggedIn>empty())));
  }

  /** A login attempt on an existing account, and why it ended as it did. */
  private static AuditEntry loginEvent(UserRecord user, AuditOutcome outcome, String reason) {
    return AuditEntry.about(user.tenantId(), user.id(), "auth.login", outcome)
        .subject(user.username())
        .detail("reason", reason);
  }

  private Mono<UserRecord> checkLock(UserRecord user, ServerWebExchange exchange) {
    OffsetDateTime lockedUntil = user.lockedUntil();
    if (lockedUntil == null || !lockedUntil.toInstant().isAfter(clock.instant())) {
      return Mono.just(user);
    }
    return audit
        .record(exchange, loginEvent(user, AuditOutcome.DENIED, "locked"))
        .then(Mono.error(locked(exchange, lockedUntil)));
  }

  private ApiException locked(ServerWebExchange exchange, OffsetDateTime until) {
    long seconds = Math.max(1, Duration.between(clock.instant(), until.toInstant()).toSeconds());
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
    return new ApiException(
        HttpStatus.LOCKED,
        "ACCOUNT_LOCKED",
        "Too many failed logins: the account is locked for "
            + seconds
            + " more seconds (until "
            + until.toInstant()
            + ")");
  }

  private Mono<Void> fail(UserRecord user, ServerWebExchange exchange) {
    return users
        .loginFailed(user.id(), properties.maxFailedLogins(), properties.lockout(), clock.instant())
        .flatMap(
            failures ->
                audit
                    .record(
                        exchange,
                        loginEvent(user, AuditOutcome.FAILURE, "wrong_password")
                            .detail("failures", failures.count())
                            .detail("locked", failures.lockedUntil() != null))
                    .then(
                        Mono.error(
                            failures.lockedUntil() != null
                                ? locked(exchange, failures.lockedUntil())
                                : new ApiException(
                                    HttpStatus.UNAUTHORIZED,
                                    "INVALID_CREDENTIALS",
                                    "Invalid credentials; "
                                        + (properties.maxFailedLogins() - failures.count())
                                        + " attempt(s) left before the account is locked for "
                                        + properties.lockout().toMinutes()
                                        + " minutes"))));
  }

  private Mono<LoggedIn> succeed(UserRecord user, ServerWebExchange exchange) {
    if (!user.active()) {
      return audit
          .record(exchange, loginEvent(user, AuditOutcome.DENIED, "disabled"))
          .then(
              Mono.error(
                  new ApiException(
                      HttpStatus.FORBIDDEN, "ACCOUNT_DISABLED", "This account is disabled")));
    }
    Instant now = clock.instant();
    return users.loginSucceeded(user.id(), now).then(sessions.start(user, exchange, "auth.login"));
  }
}
