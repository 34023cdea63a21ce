package dev.shipyard.api.auth;

import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.users.UserStore;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** A signed-in user changing their password: the current one is checked, other sessions end. */
@Service
public class PasswordChanges {

  private final UserStore users;
  private final Passwords passwords;
  private final Sessions sessions;
  private final AuditLog audit;
  private final TransactionalOperator tx;

  PasswordChanges(
      UserStore users,
      Passwords passwords,
      Sessions sessions,
      AuditLog audit,
      TransactionalOperator tx) {
    this.users = users;
    this.passwords = passwords;
    this.sessions = sessions;
    this.audit = audit;
    this.tx = tx;
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
