package dev.shipyard.api.users;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.auth.AuthService;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The caller's own account (container-engine-api.md: {@code /v1/user/*}). */
@RestController
class ProfileController {

  private final UserStore users;
  private final AuthService auth;
  private final AuditLog audit;

  ProfileController(UserStore users, AuthService auth, AuditLog audit) {
    this.users = users;
    this.auth = auth;
    this.audit = audit;
  }

  record ProfileUpdate(
      @Pattern(
              regexp = "[A-Za-z0-9_.-]{3,32}",
              message = "must be 3 to 32 letters, digits, '_'," + " '.' or '-'")
          String username,
      @Email @Size(max = 254) String email) {}

  record PasswordChange(
      @JsonProperty("current_password") @NotBlank String currentPassword,
      @JsonProperty("new_password") @NotBlank String newPassword,
      @JsonProperty("confirm_new_password") @NotBlank String confirmNewPassword) {
    @Override
    public String toString() {
      return "PasswordChange[passwords hidden]";
    }
  }

  @GetMapping("/v1/user/profile")
  @PreAuthorize("hasAuthority('profile:read')")
  public Mono<Map<String, Object>> profile(@AuthenticationPrincipal Caller caller) {
    return users.byId(caller.userId()).map(ProfileController::profile);
  }

  @PutMapping("/v1/user/profile")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @PreAuthorize("hasAuthority('profile:update')")
  public Mono<Map<String, Object>> update(
      @AuthenticationPrincipal Caller caller,
      @Valid @RequestBody ProfileUpdate request,
      ServerWebExchange exchange) {
    if (request.username() == null && request.email() == null) {
      throw new ApiException(
          ApiError.of(
              HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", "Give a username, an email or both"));
    }
    return users
        .updateProfile(caller.userId(), request.username(), request.email())
        .flatMap(
            user ->
                audit
                    .record(
                        exchange,
                        AuditEntry.by(caller, "profile.updated", AuditOutcome.SUCCESS)
                            .detail("username_changed", request.username() != null)
                            .detail("email_changed", request.email() != null))
                    .thenReturn(user))
        .map(
            user -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("id", user.id().toString());
              body.put("username", user.username());
              body.put("email", user.email());
              body.put("updated_at", user.updatedAt().toInstant().toString());
              return body;
            });
  }

  @PutMapping("/v1/user/password")
  @PreAuthorize("hasAuthority('profile:update')")
  public Mono<Map<String, Object>> changePassword(
      @AuthenticationPrincipal Caller caller,
      @Valid @RequestBody PasswordChange request,
      ServerWebExchange exchange) {
    if (!request.newPassword().equals(request.confirmNewPassword())) {
      throw new ApiException(
          new ApiError(
              HttpStatus.BAD_REQUEST,
              "PASSWORD_MISMATCH",
              "new_password and confirm_new_password do not match",
              "confirm_new_password"));
    }
    return auth.changePassword(caller, request.currentPassword(), request.newPassword(), exchange)
        .thenReturn(Map.of("message", "Password updated successfully"));
  }

  static Map<String, Object> profile(UserRecord user) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", user.id().toString());
    body.put("username", user.username());
    body.put("email", user.email());
    body.put("created_at", user.createdAt().toInstant().toString());
    body.put(
        "last_login", user.lastLogin() == null ? null : user.lastLogin().toInstant().toString());
    body.put("is_active", user.active());
    body.put("role", user.role().value());
    body.put("tenant_id", user.tenantId());
    return body;
  }
}
