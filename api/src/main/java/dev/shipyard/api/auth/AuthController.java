package dev.shipyard.api.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.PublicEndpoint;
import dev.shipyard.api.users.UserRecord;
import dev.shipyard.api.users.UserStore;
import dev.shipyard.api.web.SensitiveBody;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Accounts and sessions (container-engine-api.md: {@code /v1/auth/*}; builds-analysis-api.md:
 * {@code POST /auth/login} by username). One service serves both logins.
 */
@RestController
class AuthController {

  /** The documented answer to every forgot-password request, whether the account exists or not. */
  static final String RESET_SENT =
      "If an account with that email exists, a password reset link has been sent.";

  private final AuthService auth;
  private final UserStore users;

  AuthController(AuthService auth, UserStore users) {
    this.auth = auth;
    this.users = users;
  }

  record RegisterRequest(
      @NotBlank @Pattern(regexp = "[A-Za-z0-9_.-]{3,32}", message = USERNAME_RULE) String username,
      @NotBlank @Email @Size(max = 254) String email,
      @NotBlank String password,
      @JsonProperty("confirm_password") @NotBlank String confirmPassword) {
    @Override
    public String toString() {
      return "RegisterRequest[username=" + username + ", email=" + email + ", passwords hidden]";
    }
  }

  static final String USERNAME_RULE = "must be 3 to 32 letters, digits, '_', '.' or '-'";

  record EmailLogin(@NotBlank @Email String email, @NotBlank String password) {
    @Override
    public String toString() {
      return "EmailLogin[email=" + email + ", password hidden]";
    }
  }

  record UsernameLogin(@NotBlank String username, @NotBlank String password) {
    @Override
    public String toString() {
      return "UsernameLogin[username=" + username + ", password hidden]";
    }
  }

  record RefreshRequest(@JsonProperty("refresh_token") @NotBlank String refreshToken) {
    @Override
    public String toString() {
      return "RefreshRequest[token hidden]";
    }
  }

  record ForgotRequest(@NotBlank @Email String email) {}

  record ResetRequest(
      @NotBlank String token, @JsonProperty("new_password") @NotBlank String newPassword) {
    @Override
    public String toString() {
      return "ResetRequest[token and password hidden]";
    }
  }

  @PostMapping("/v1/auth/register")
  @DocumentedErrors({HttpStatus.FORBIDDEN, HttpStatus.CONFLICT})
  @ResponseStatus(HttpStatus.CREATED)
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Map<String, Object>> register(
      @Valid @RequestBody RegisterRequest request, ServerWebExchange exchange) {
    if (!request.password().equals(request.confirmPassword())) {
      throw new ApiException(
          new ApiError(
              HttpStatus.BAD_REQUEST,
              "PASSWORD_MISMATCH",
              "password and confirm_password do not match",
              "confirm_password"));
    }
    return auth.register(request.username(), request.email(), request.password(), exchange)
        .map(AuthController::tokens);
  }

  @PostMapping("/v1/auth/login")
  @DocumentedErrors({
    HttpStatus.UNAUTHORIZED,
    HttpStatus.FORBIDDEN,
    HttpStatus.NOT_FOUND,
    HttpStatus.LOCKED
  })
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Map<String, Object>> login(
      @Valid @RequestBody EmailLogin request, ServerWebExchange exchange) {
    return auth.login(
            users.byEmail(request.email()),
            UserStore.normalizeEmail(request.email()),
            request.password(),
            HttpStatus.NOT_FOUND,
            exchange)
        .map(AuthController::tokens);
  }

  /** builds-analysis-api.md: {@code {"access_token", "token_type": "bearer"}} (plus refresh). */
  @PostMapping("/auth/login")
  @DocumentedErrors({HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN, HttpStatus.LOCKED})
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Map<String, Object>> loginByUsername(
      @Valid @RequestBody UsernameLogin request, ServerWebExchange exchange) {
    return auth.login(
            users.byUsername(request.username()),
            request.username(),
            request.password(),
            HttpStatus.UNAUTHORIZED,
            exchange)
        .map(
            in -> {
              Map<String, Object> body = new SensitiveBody();
              body.put("access_token", in.accessToken());
              body.put("token_type", "bearer");
              body.put(
                  "expires_in", in.expiresAt().getEpochSecond() - Instant.now().getEpochSecond());
              body.put("refresh_token", in.refreshToken());
              return body;
            });
  }

  @PostMapping("/v1/auth/refresh")
  @DocumentedErrors({HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN})
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Map<String, Object>> refresh(
      @Valid @RequestBody RefreshRequest request, ServerWebExchange exchange) {
    return auth.refresh(request.refreshToken(), exchange)
        .map(
            in -> {
              Map<String, Object> body = new SensitiveBody();
              body.put("access_token", in.accessToken());
              body.put("expires_at", in.expiresAt().toString());
              body.put("refresh_token", in.refreshToken());
              return body;
            });
  }

  @PostMapping("/v1/auth/logout")
  @PreAuthorize("isAuthenticated()")
  public Mono<Map<String, Object>> logout(
      @AuthenticationPrincipal Caller caller, ServerWebExchange exchange) {
    return auth.logout(caller, exchange).thenReturn(Map.of("message", "Successfully logged out"));
  }

  @PostMapping("/v1/auth/forgot-password")
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Map<String, Object>> forgotPassword(
      @Valid @RequestBody ForgotRequest request, ServerWebExchange exchange) {
    return auth.forgotPassword(request.email(), exchange).thenReturn(Map.of("message", RESET_SENT));
  }

  @PostMapping("/v1/auth/reset-password")
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Map<String, Object>> resetPassword(
      @Valid @RequestBody ResetRequest request, ServerWebExchange exchange) {
    return auth.resetPassword(request.token(), request.newPassword(), exchange)
        .thenReturn(Map.of("message", "Password reset successfully"));
  }

  static Map<String, Object> tokens(AuthService.LoggedIn in) {
    Map<String, Object> body = new SensitiveBody();
    body.put("access_token", in.accessToken());
    body.put("refresh_token", in.refreshToken());
    body.put("expires_at", in.expiresAt().toString());
    body.put("user", summary(in.user()));
    return body;
  }

  static Map<String, Object> summary(UserRecord user) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", user.id().toString());
    body.put("username", user.username());
    body.put("email", user.email());
    body.put("role", user.role().value());
    body.put("tenant_id", user.tenantId());
    return body;
  }
}
