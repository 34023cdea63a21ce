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
import dev.shipyard.api.web.Message;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
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
 * {@code POST /auth/login} by username). One service serves both logins. Bodies are records, so the
 * OpenAPI document describes their fields; those carrying tokens hide them in {@code toString},
 * because WebFlux's codecs log bodies at DEBUG.
 */
@RestController
class AuthController {

  /** The documented answer to every forgot-password request, whether the account exists or not. */
  static final String RESET_SENT =
      "If an account with that email exists, a password reset link has been sent.";

  private final Registration registration;
  private final Logins logins;
  private final LoginSessions sessions;
  private final PasswordResets resets;
  private final UserStore users;
  private final Clock clock;

  AuthController(
      Registration registration,
      Logins logins,
      LoginSessions sessions,
      PasswordResets resets,
      UserStore users,
      Clock clock) {
    this.registration = registration;
    this.logins = logins;
    this.sessions = sessions;
    this.resets = resets;
    this.users = users;
    this.clock = clock;
  }

  /** The public part of an account, as login and registration answer it. */
  record UserSummary(
      String id,
      String username,
      String email,
      String role,
      @JsonProperty("tenant_id") String tenantId) {
    static UserSummary of(UserRecord user) {
      return new UserSummary(
          user.id().toString(),
          user.username(),
          user.email(),
          user.role().value(),
          user.tenantId());
    }
  }

  /** {@code POST /v1/auth/register} and {@code /v1/auth/login}. */
  record Tokens(
      @JsonProperty("access_token") String accessToken,
      @JsonProperty("refresh_token") String refreshToken,
      @JsonProperty("expires_at") Instant expiresAt,
      UserSummary user) {
    static Tokens of(LoggedIn in) {
      return new Tokens(
          in.accessToken(), in.refreshToken(), in.expiresAt(), UserSummary.of(in.user()));
    }

    @Override
    public String toString() {
      return "Tokens[user=" + user + ", expiresAt=" + expiresAt + ", tokens hidden]";
    }
  }

  /** {@code POST /auth/login} (builds-analysis-api.md), plus the refresh token. */
  record BearerToken(
      @JsonProperty("access_token") String accessToken,
      @JsonProperty("token_type") String tokenType,
      @JsonProperty("expires_in") long expiresIn,
      @JsonProperty("refresh_token") String refreshToken) {
    @Override
    public String toString() {
      return "BearerToken[expiresIn=" + expiresIn + ", tokens hidden]";
    }
  }

  /** {@code POST /v1/auth/refresh}. */
  record Refreshed(
      @JsonProperty("access_token") String accessToken,
      @JsonProperty("expires_at") Instant expiresAt,
      @JsonProperty("refresh_token") String refreshToken) {
    @Override
    public String toString() {
      return "Refreshed[expiresAt=" + expiresAt + ", tokens hidden]";
    }
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
  public Mono<Tokens> register(
      @Valid @RequestBody RegisterRequest request, ServerWebExchange exchange) {
    if (!request.password().equals(request.confirmPassword())) {
      throw new ApiException(
          new ApiError(
              HttpStatus.BAD_REQUEST,
              "PASSWORD_MISMATCH",
              "password and confirm_password do not match",
              "confirm_password"));
    }
    return registration
        .register(request.username(), request.email(), request.password(), exchange)
        .map(Tokens::of);
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
  public Mono<Tokens> login(@Valid @RequestBody EmailLogin request, ServerWebExchange exchange) {
    return logins
        .login(
            users.byEmail(request.email()),
            UserStore.normalizeEmail(request.email()),
            request.password(),
            HttpStatus.NOT_FOUND,
            exchange)
        .map(Tokens::of);
  }

  /** builds-analysis-api.md: {@code {"access_token", "token_type": "bearer"}} (plus refresh). */
  @PostMapping("/auth/login")
  @DocumentedErrors({HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN, HttpStatus.LOCKED})
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<BearerToken> loginByUsername(
      @Valid @RequestBody UsernameLogin request, ServerWebExchange exchange) {
    return logins
        .login(
            users.byUsername(request.username()),
            request.username(),
            request.password(),
            HttpStatus.UNAUTHORIZED,
            exchange)
        .map(
            in ->
                new BearerToken(
                    in.accessToken(),
                    "bearer",
                    in.expiresAt().getEpochSecond() - clock.instant().getEpochSecond(),
                    in.refreshToken()));
  }

  @PostMapping("/v1/auth/refresh")
  @DocumentedErrors({HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN})
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Refreshed> refresh(
      @Valid @RequestBody RefreshRequest request, ServerWebExchange exchange) {
    return sessions
        .refresh(request.refreshToken(), exchange)
        .map(in -> new Refreshed(in.accessToken(), in.expiresAt(), in.refreshToken()));
  }

  @PostMapping("/v1/auth/logout")
  @PreAuthorize("isAuthenticated()")
  public Mono<Message> logout(@AuthenticationPrincipal Caller caller, ServerWebExchange exchange) {
    return sessions.logout(caller, exchange).thenReturn(new Message("Successfully logged out"));
  }

  @PostMapping("/v1/auth/forgot-password")
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Message> forgotPassword(
      @Valid @RequestBody ForgotRequest request, ServerWebExchange exchange) {
    return resets.forgotPassword(request.email(), exchange).thenReturn(new Message(RESET_SENT));
  }

  @PostMapping("/v1/auth/reset-password")
  @PublicEndpoint
  @RateLimit(RateClass.AUTH)
  public Mono<Message> resetPassword(
      @Valid @RequestBody ResetRequest request, ServerWebExchange exchange) {
    return resets
        .resetPassword(request.token(), request.newPassword(), exchange)
        .thenReturn(new Message("Password reset successfully"));
  }
}
