package dev.shipyard.api.auth;

import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.mail.Mailer;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.api.users.UserRecord;
import dev.shipyard.api.users.UserStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Password reset by mail: a single-use token, stored as a digest, valid for {@code
 * PASSWORD_RESET_TTL} on the API's {@link Clock}. A reset ends every session of the user.
 */
@Service
public class PasswordResets {

  private static final Logger log = LoggerFactory.getLogger(PasswordResets.class);

  private final UserStore users;
  private final Passwords passwords;
  private final Sessions sessions;
  private final AuthProperties properties;
  private final AuditLog audit;
  private final Mailer mailer;
  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final Clock clock;

  PasswordResets(
      UserStore users,
      Passwords passwords,
      Sessions sessions,
      AuthProperties properties,
      AuditLog audit,
      Mailer mailer,
      DatabaseClient db,
      TransactionalOperator tx,
      Clock clock) {
    this.users = users;
    this.passwords = passwords;
    this.sessions = sessions;
    this.properties = properties;
    this.audit = audit;
    this.mailer = mailer;
    this.db = db;
    this.tx = tx;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
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
              return db.sql(
                      "INSERT INTO password_reset_tokens (token_hash, user_id, created_at,"
                          + " expires_at) VALUES (:hash, :user, :now, :expires)")
                  .bind("hash", Secrets.digest(token))
                  .bind("user", user.id())
                  .bind("now", now())
                  .bind("expires", now().plus(properties.resetTokenTtl()))
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
                + " AND used_at IS NULL AND expires_at > :now")
        .bind("hash", hash)
        .bind("now", now())
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
                                  "UPDATE password_reset_tokens SET used_at = :now"
                                      + " WHERE token_hash = :hash AND used_at IS NULL"
                                      + " AND expires_at > :now")
                              .bind("hash", hash)
                              .bind("now", now())
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
}
