package dev.shipyard.api.auth;

import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.mail.Mailer;
import dev.shipyard.api.security.AccessTokens;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Permission;
import dev.shipyard.api.security.Role;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.api.users.UserRecord;
import dev.shipyard.api.users.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Accounts and sessions: registration, login with lockout, refresh-token rotation, logout and
 * password reset by mail. Every outcome that matters for security is audited.
 */
@Service
public class AuthService {

  private static final Logger log = LoggerFactory.getLogger(AuthService.class);

  private final UserStore users;
  private final Passwords passwords;
  private final Sessions sessions;
  private final AccessTokens tokens;
  private final AuthProperties properties;
  private final AuditLog audit;
  private final Mailer mailer;
  private final DatabaseClient db;
  private final TransactionalOperator tx;

  AuthService(
      UserStore users,
      Passwords passwords,
      Sessions sessions,
      AccessTokens tokens,
      AuthProperties properties,
      AuditLog audit,
      Mailer mailer,
      DatabaseClient db,
      TransactionalOperator tx) {
    this.users = users;
    this.passwords = passwords;
    this.sessions = sessions;
    this.tokens = tokens;
    this.properties = properties;
    this.audit = audit;
    this.mailer = mailer;
    this.db = db;
    this.tx = tx;
  }

  /** A login's tokens, for the response. */
  public record LoggedIn(
      UserRecord user, String accessToken, Instant expiresAt, String refreshToken) {}

  /** Creates a user in {@code tenantId} (its password already checked against the policy). */
  public Mono<UserRecord> createUser(
      String tenantId, String username, String email, String password, Role role) {
    PasswordPolicy.check("password", password, username, email);
    return passwords
        .hash(password)
        .flatMap(hash -> users.insert(tenantId, username, email, hash, role));
  }

  public Mono<LoggedIn> register(
      String username, String email, String password, ServerWebExchange exchange) {
    if (!properties.registrationEnabled()) {
      return Mono.error(
          new ApiException(
              HttpStatus.FORBIDDEN,
              "REGISTRATION_DISABLED",
              "Registration is disabled; ask an administrator for an account"));
    }
    return createUser(properties.operatorTenant(), username, email, password, Role.USER)
        .flatMap(
            user ->
                audit
                    .record(
                        exchange,
                        AuditEntry.about(
                                user.tenantId(), user.id(), "user.registered", AuditOutcome.SUCCESS)
                            .subject(user.username()))
                    .then(users.loginSucceeded(user.id()))
                    .then(startSession(user, exchange, "auth.login")));
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
    if (lockedUntil == null || !lockedUntil.isAfter(OffsetDateTime.now())) {
      return Mono.just(user);
    }
    return audit
        .record(exchange, loginEvent(user, AuditOutcome.DENIED, "locked"))
        .then(Mono.error(locked(exchange, lockedUntil)));
  }

  private ApiException locked(ServerWebExchange exchange, OffsetDateTime until) {
    long seconds = Math.max(1, Duration.between(OffsetDateTime.now(), until).toSeconds());
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
        .loginFailed(user.id(), properties.maxFailedLogins(), properties.lockout())
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
    return users.loginSucceeded(user.id()).then(startSession(user, exchange, "auth.login"));
  }

  private Mono<LoggedIn> startSession(UserRecord user, ServerWebExchange exchange, String event) {
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
        user.id(),
        user.username(),
        user.tenantId(),
        user.role(),
        permissions,
        sessionId,
        Instant.now());
  }

  /** Rotates a refresh token; a reused one revokes its session and answers 401. */
  public Mono<LoggedIn> refresh(String refreshToken, ServerWebExchange exchange) {
    return sessions
        .rotate(refreshToken)
        .flatMap(
            rotation -> {
              if (rotation instanceof Sessions.Rotation.Rotated rotated) {
                return users
                    .byId(rotated.userId())
                    .filter(UserRecord::active)
                    .switchIfEmpty(
                        Mono.error(
                            new ApiException(
                                HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "Account is disabled")))
                    .flatMap(
                        user -> {
                          AccessTokens.Issued access = issue(user, rotated.sessionId());
                          return audit
                              .record(
                                  exchange,
                                  AuditEntry.about(
                                          user.tenantId(),
                                          user.id(),
                                          "auth.refresh",
                                          AuditOutcome.SUCCESS)
                                      .detail("session", rotated.sessionId().toString()))
                              .thenReturn(
                                  new LoggedIn(
                                      user,
                                      access.token(),
                                      access.expiresAt(),
                                      rotated.refreshToken()));
                        });
              }
              if (rotation instanceof Sessions.Rotation.Reused reused) {
                return users
                    .byId(reused.userId())
                    .flatMap(
                        user ->
                            audit.record(
                                exchange,
                                AuditEntry.about(
                                        user.tenantId(),
                                        user.id(),
                                        "auth.refresh_reuse",
                                        AuditOutcome.DENIED)
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
              return Mono.error(
                  new ApiException(
                      HttpStatus.UNAUTHORIZED,
                      "UNAUTHORIZED",
                      ((Sessions.Rotation.Refused) rotation).reason()));
            });
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

  /**
   * Starts a password reset: when an active account has this email, a single-use token is stored
   * (hashed) and mailed as a link. The caller's answer is the same either way, and the mail is sent
   * in the background so timing does not tell either.
   */
  public Mono<Void> forgotPassword(String email, ServerWebExchange exchange) {
    return users
        .byEmail(email)
        .filter(UserRecord::active)
        .flatMap(
            user -> {
              String token = Secrets.token(32);
              OffsetDateTime expires = OffsetDateTime.now().plus(properties.resetTokenTtl());
              return db.sql(
                      "INSERT INTO password_reset_tokens (token_hash, user_id, expires_at)"
                          + " VALUES (:hash, :user, :expires)")
                  .bind("hash", Secrets.digest(token))
                  .bind("user", user.id())
                  .bind("expires", expires)
                  .then()
                  .then(
                      audit.record(
                          exchange,
                          AuditEntry.about(
                                  user.tenantId(),
                                  user.id(),
                                  "password.reset_requested",
                                  AuditOutcome.SUCCESS)
                              .subject(user.email())))
                  .doOnSuccess(done -> sendResetMail(user, token))
                  .thenReturn(true);
            })
        // Mono<Void> completes empty: map the known-account branch to a value first, so this
        // fallback runs for unknown or disabled accounts only.
        .switchIfEmpty(
            Mono.defer(
                () ->
                    audit
                        .record(
                            exchange,
                            AuditEntry.about(
                                    null, null, "password.reset_requested", AuditOutcome.FAILURE)
                                .subject(UserStore.normalizeEmail(email))
                                .detail("reason", "unknown_or_disabled_account"))
                        .thenReturn(false)))
        .then();
  }

  private void sendResetMail(UserRecord user, String token) {
    String link =
        properties.resetUrl()
            + (properties.resetUrl().contains("?") ? "&" : "?")
            + "token="
            + token;
    String text =
        "Hello "
            + user.username()
            + ",\n\nSomeone asked to reset the password of your Shipyard account."
            + "\nTo choose a new password, open this link within "
            + properties.resetTokenTtl().toMinutes()
            + " minutes:\n\n"
            + link
            + "\n\nThe link works once. If you did not ask for this, ignore this mail;"
            + " your password stays as it is.\n";
    mailer
        .send(user.email(), "Reset your Shipyard password", text)
        .subscribe(
            null,
            error ->
                log.warn(
                    "Password reset mail to user {} could not be sent: {}",
                    user.id(),
                    error.toString()));
  }

  /** Sets a new password with a reset token, once; every session of the user ends. */
  public Mono<Void> resetPassword(String token, String newPassword, ServerWebExchange exchange) {
    byte[] hash = Secrets.digest(token);
    ApiException invalid =
        new ApiException(
            new ApiError(
                HttpStatus.BAD_REQUEST,
                "INVALID_RESET_TOKEN",
                "The reset token is invalid, expired or already used",
                "token"));
    return db.sql(
            "SELECT user_id FROM password_reset_tokens WHERE token_hash = :hash"
                + " AND used_at IS NULL AND expires_at > now()")
        .bind("hash", hash)
        .map(row -> row.get("user_id", UUID.class))
        .one()
        .flatMap(users::byId)
        .switchIfEmpty(Mono.error(invalid))
        .flatMap(
            user -> {
              PasswordPolicy.check("new_password", newPassword, user.username(), user.email());
              return passwords
                  .hash(newPassword)
                  .flatMap(
                      newHash ->
                          db.sql(
                                  "UPDATE password_reset_tokens SET used_at = now()"
                                      + " WHERE token_hash = :hash AND used_at IS NULL")
                              .bind("hash", hash)
                              .fetch()
                              .rowsUpdated()
                              .flatMap(
                                  n ->
                                      n == 0
                                          ? Mono.error(invalid)
                                          : users
                                              .setPassword(user.id(), newHash)
                                              .then(
                                                  sessions.revokeAll(
                                                      user.id(), null, "password_reset")))
                              .as(tx::transactional))
                  .then(
                      audit.record(
                          exchange,
                          AuditEntry.about(
                                  user.tenantId(),
                                  user.id(),
                                  "password.reset",
                                  AuditOutcome.SUCCESS)
                              .subject(user.username())));
            });
  }

  /** Changes the caller's password after checking the current one; other sessions end. */
  public Mono<Void> changePassword(
      Caller caller, String current, String next, ServerWebExchange exchange) {
    return users
        .byId(caller.userId())
        .flatMap(
            user ->
                passwords
                    .matches(current, user.passwordHash())
                    .flatMap(
                        ok -> {
                          if (!ok) {
                            return audit
                                .record(
                                    exchange,
                                    AuditEntry.by(caller, "password.changed", AuditOutcome.FAILURE)
                                        .detail("reason", "wrong_current_password"))
                                .then(
                                    Mono.error(
                                        new ApiException(
                                            new ApiError(
                                                HttpStatus.BAD_REQUEST,
                                                "INVALID_CURRENT_PASSWORD",
                                                "The current password is not correct",
                                                "current_password"))));
                          }
                          PasswordPolicy.check("new_password", next, user.username(), user.email());
                          return passwords
                              .hash(next)
                              .flatMap(
                                  hash ->
                                      users
                                          .setPassword(user.id(), hash)
                                          .then(
                                              sessions.revokeAll(
                                                  user.id(),
                                                  caller.sessionId(),
                                                  "password_changed"))
                                          .as(tx::transactional))
                              .then(
                                  audit.record(
                                      exchange,
                                      AuditEntry.by(
                                          caller, "password.changed", AuditOutcome.SUCCESS)));
                        }));
  }
}
