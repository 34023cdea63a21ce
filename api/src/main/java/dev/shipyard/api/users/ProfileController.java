package dev.shipyard.api.users;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.auth.PasswordChanges;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.web.Message;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
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
  private final ProfileCache profiles;
  private final PasswordChanges passwordChanges;
  private final AuditLog audit;

  ProfileController(
      UserStore users, ProfileCache profiles, PasswordChanges passwordChanges, AuditLog audit) {
    this.users = users;
    this.profiles = profiles;
    this.passwordChanges = passwordChanges;
    this.audit = audit;
  }

  /** {@code PUT /v1/user/profile}. */
  record ProfileUpdated(
      String id, String username, String email, @JsonProperty("updated_at") Instant updatedAt) {}

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
  public Mono<Profile> profile(@AuthenticationPrincipal Caller caller) {
    return profiles.get(caller.userId(), () -> users.byId(caller.userId()).map(Profile::of));
  }

  @PutMapping("/v1/user/profile")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @PreAuthorize("hasAuthority('profile:update')")
  public Mono<ProfileUpdated> update(
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
            user ->
                new ProfileUpdated(
                    user.id().toString(),
                    user.username(),
                    user.email(),
                    user.updatedAt().toInstant()));
  }

  @PutMapping("/v1/user/password")
  @PreAuthorize("hasAuthority('profile:update')")
  public Mono<Message> changePassword(
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
    return passwordChanges
        .changePassword(caller, request.currentPassword(), request.newPassword(), exchange)
        .thenReturn(new Message("Password updated successfully"));
  }
}
