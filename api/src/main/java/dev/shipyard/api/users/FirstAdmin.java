package dev.shipyard.api.users;

import dev.shipyard.api.auth.Registration;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Role;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Creates the first admin from configuration ({@code SHIPYARD_ADMIN_EMAIL}, {@code
 * SHIPYARD_ADMIN_PASSWORD}, optionally {@code SHIPYARD_ADMIN_USERNAME}) in the operator tenant, if
 * no account has that email yet. An existing account is left as it is: changing the setting later
 * never resets a password. There is no built-in default password.
 */
@Component
class FirstAdmin implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

  private final AuthProperties properties;
  private final UserStore users;
  private final Registration registration;

  FirstAdmin(AuthProperties properties, UserStore users, Registration registration) {
    this.properties = properties;
    this.users = users;
    this.registration = registration;
  }

  @Override
  public void run(ApplicationArguments args) {
    AuthProperties.Admin admin = properties.admin();
    if (admin == null || !admin.configured()) {
      log.info(
          "Identity: no first admin configured (set SHIPYARD_ADMIN_EMAIL and"
              + " SHIPYARD_ADMIN_PASSWORD to create one)");
      return;
    }
    String outcome =
        users
            .byEmail(admin.email())
            .map(existing -> "exists")
            .switchIfEmpty(
                Mono.defer(
                    () ->
                        registration
                            .createUser(
                                properties.operatorTenant(),
                                admin.username(),
                                admin.email(),
                                admin.password(),
                                Role.ADMIN)
                            .map(created -> "created")))
            // Another replica may have created it a moment ago.
            .onErrorResume(
                e -> e instanceof ApiException api && api.error().status().value() == 409,
                e -> Mono.just("exists"))
            .onErrorMap(
                ApiException.class,
                e ->
                    new IllegalStateException(
                        "The first admin (SHIPYARD_ADMIN_*) cannot be created: " + e.getMessage()))
            .block(Duration.ofSeconds(30));
    log.info(
        "Identity: first admin '{}' in tenant '{}' {}",
        admin.username(),
        properties.operatorTenant(),
        "created".equals(outcome) ? "created" : "already exists; left unchanged");
  }
}
