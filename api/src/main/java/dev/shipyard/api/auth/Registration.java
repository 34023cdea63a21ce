package dev.shipyard.api.auth;

import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Role;
import dev.shipyard.api.users.UserRecord;
import dev.shipyard.api.users.UserStore;
import java.time.Clock;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * New accounts: self-registration (when open), and accounts made by admins or at startup. The
 * password is checked against the policy before it is hashed.
 */
@Service
public class Registration {

  private final UserStore users;
  private final Passwords passwords;
  private final LoginSessions sessions;
  private final AuthProperties properties;
  private final AuditLog audit;
  private final Clock clock;

  Registration(
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

  /** Creates a user in {@code tenantId} (its password already checked against the policy). */
  public Mono<UserRecord> createUser(
      String tenantId, String username, String email, String password, Role role) {
    PasswordPolicy.check("password", password, username, email);
    return passwords
        .hash(password)
        .flatMap(hash -> users.insert(tenantId, username, email, hash, role));
  }

  /** {@code POST /v1/auth/register}: a user of the operator tenant, logged in at once. */
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
                    .then(users.loginSucceeded(user.id(), clock.instant()))
                    .then(sessions.start(user, exchange, "auth.login")));
  }
}
