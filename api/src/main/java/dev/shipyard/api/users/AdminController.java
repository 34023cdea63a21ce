package dev.shipyard.api.users;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.auth.Registration;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Role;
import dev.shipyard.api.web.Pagination;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Administration of one's own tenant ({@code /v1/admin/users}) and, for admins of the operator
 * tenant, creation of tenants with their first admin ({@code /v1/admin/tenants}). Users of other
 * tenants are never visible: they answer 404 like users that do not exist.
 */
@RestController
class AdminController {

  private final UserStore users;
  private final Registration registration;
  private final AuditLog audit;
  private final DatabaseClient db;
  private final TransactionalOperator tx;

  AdminController(
      UserStore users,
      Registration registration,
      AuditLog audit,
      DatabaseClient db,
      TransactionalOperator tx) {
    this.users = users;
    this.registration = registration;
    this.audit = audit;
    this.db = db;
    this.tx = tx;
  }

  record NewUser(
      @NotBlank
          @Pattern(
              regexp = "[A-Za-z0-9_.-]{3,32}",
              message = "must be 3 to 32 letters," + " digits, '_', '.' or '-'")
          String username,
      @NotBlank @Email @Size(max = 254) String email,
      @NotBlank String password,
      @NotBlank
          @Pattern(
              regexp = "viewer|user|premium|admin",
              message = "must be viewer, user," + " premium or admin")
          String role) {
    @Override
    public String toString() {
      return "NewUser[username="
          + username
          + ", email="
          + email
          + ", role="
          + role
          + ", password hidden]";
    }
  }

  record AccessChange(
      @Pattern(
              regexp = "viewer|user|premium|admin",
              message = "must be viewer, user, premium or" + " admin")
          String role,
      @JsonProperty("is_active") Boolean active) {}

  record NewTenant(
      @NotBlank
          @Pattern(
              regexp = "[a-z0-9][a-z0-9-]{1,62}",
              message = "must be 2 to 63" + " lowercase letters, digits or '-'")
          String id,
      @NotBlank @Size(max = 200) String name,
      @NotNull @Valid NewUser admin) {}

  /** {@code GET /v1/admin/users}. */
  record UserPage(List<Profile> users, Pagination.Page pagination) {}

  /** {@code POST /v1/admin/tenants}. */
  record TenantCreated(String id, String name, Profile admin) {}

  @GetMapping("/v1/admin/users")
  @PreAuthorize("hasAuthority('user:manage')")
  public Mono<UserPage> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer limit) {
    Pagination pagination = Pagination.of(page, limit);
    return users
        .pageOfTenant(caller.tenantId(), pagination.limit(), pagination.offset())
        .map(Profile::of)
        .collectList()
        .zipWith(users.countOfTenant(caller.tenantId()))
        .map(t -> new UserPage(t.getT1(), pagination.describe(t.getT2())));
  }

  @GetMapping("/v1/admin/users/{userId}")
  @PreAuthorize("hasAuthority('user:manage')")
  public Mono<Profile> get(@AuthenticationPrincipal Caller caller, @PathVariable String userId) {
    return users
        .inTenant(caller.tenantId(), parse(userId))
        .map(Profile::of)
        .switchIfEmpty(Mono.error(AdminController::notFound));
  }

  @PostMapping("/v1/admin/users")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('user:manage')")
  public Mono<Profile> create(
      @AuthenticationPrincipal Caller caller,
      @Valid @RequestBody NewUser request,
      ServerWebExchange exchange) {
    return registration
        .createUser(
            caller.tenantId(),
            request.username(),
            request.email(),
            request.password(),
            Role.fromValue(request.role()).orElseThrow())
        .flatMap(
            user ->
                audit
                    .record(
                        exchange,
                        AuditEntry.by(caller, "user.created", AuditOutcome.SUCCESS)
                            .subject(user.id().toString())
                            .detail("role", user.role().value()))
                    .thenReturn(Profile.of(user)));
  }

  @PutMapping("/v1/admin/users/{userId}")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @PreAuthorize("hasAuthority('user:manage')")
  public Mono<Profile> change(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String userId,
      @Valid @RequestBody AccessChange request,
      ServerWebExchange exchange) {
    UUID id = parse(userId);
    if (id.equals(caller.userId())) {
      throw new ApiException(
          ApiError.of(
              HttpStatus.BAD_REQUEST,
              "SELF_CHANGE",
              "Admins cannot change their own role or active state; ask another admin"));
    }
    Role role = request.role() == null ? null : Role.fromValue(request.role()).orElseThrow();
    return users
        .inTenant(caller.tenantId(), id)
        .switchIfEmpty(Mono.error(AdminController::notFound))
        .flatMap(found -> users.updateAccess(found.id(), role, request.active()))
        .flatMap(
            user ->
                audit
                    .record(
                        exchange,
                        AuditEntry.by(caller, "user.access_changed", AuditOutcome.SUCCESS)
                            .subject(user.id().toString())
                            .detail("role", user.role().value())
                            .detail("is_active", user.active()))
                    .thenReturn(Profile.of(user)));
  }

  @PostMapping("/v1/admin/tenants")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("hasAuthority('tenant:create')")
  public Mono<TenantCreated> createTenant(
      @AuthenticationPrincipal Caller caller,
      @Valid @RequestBody NewTenant request,
      ServerWebExchange exchange) {
    if (!"admin".equals(request.admin().role())) {
      throw new ApiException(
          new ApiError(
              HttpStatus.BAD_REQUEST,
              "VALIDATION_ERROR",
              "The first user of a tenant must have the role admin",
              "admin.role"));
    }
    return db.sql("INSERT INTO tenants (id, name) VALUES (:id, :name)")
        .bind("id", request.id())
        .bind("name", request.name())
        .then()
        .onErrorMap(
            DataIntegrityViolationException.class,
            e ->
                new ApiException(
                    new ApiError(
                        HttpStatus.CONFLICT, "CONFLICT", "This tenant already exists", "id")))
        .then(
            registration.createUser(
                request.id(),
                request.admin().username(),
                request.admin().email(),
                request.admin().password(),
                Role.ADMIN))
        .as(tx::transactional)
        .flatMap(
            admin ->
                audit
                    .record(
                        exchange,
                        AuditEntry.by(caller, "tenant.created", AuditOutcome.SUCCESS)
                            .subject(request.id())
                            .detail("admin", admin.id().toString()))
                    .thenReturn(
                        new TenantCreated(request.id(), request.name(), Profile.of(admin))));
  }

  private static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw notFound();
    }
  }

  private static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "User not found");
  }
}
