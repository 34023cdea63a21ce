package dev.shipyard.standalone.identity;

import static dev.shipyard.standalone.testing.Accounts.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Registration, both logins, lockout, refresh rotation, logout, profile and password change. */
@ExtendWith(LocalPlatformExtension.class)
class AccountsTest {

  @Test
  @SuppressWarnings("unchecked")
  void registerAnswersTokensAndTheUser(WebTestClient api) {
    String username = Accounts.unique("reg");
    Map<String, Object> body =
        Json.post(
            api,
            "/v1/auth/register",
            Map.of(
                "username", username,
                "email", username.toUpperCase() + "@Example.TEST",
                "password", PASSWORD,
                "confirm_password", PASSWORD),
            201);
    assertThat(body).containsKeys("access_token", "refresh_token", "expires_at");
    Map<String, Object> user = (Map<String, Object>) body.get("user");
    assertThat(user).containsEntry("username", username);
    assertThat(user.get("email")).isEqualTo(username + "@example.test"); // normalized
    assertThat(user).containsEntry("role", "user").containsEntry("tenant_id", "default");
    assertThat(Instant.parse((String) body.get("expires_at")))
        .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));

    // The JWT carries the documented claims plus jti and tenant.
    Map<String, Object> claims = claims((String) body.get("access_token"));
    assertThat(claims)
        .containsEntry("sub", username)
        .containsEntry("role", "user")
        .containsEntry("tenant", "default")
        .containsKeys("exp", "iat", "jti", "permissions");
    assertThat((java.util.List<String>) claims.get("permissions"))
        .contains("capsule:create", "build:create", "apikey:create")
        .doesNotContain("user:manage", "tenant:create");
  }

  @Test
  void registerRefusesDuplicatesAndBadInput(WebTestClient api) {
    Account taken = Accounts.register(api, "dup");
    Map<String, Object> sameName =
        Accounts.register(
            api, taken.username().toUpperCase(), "other-" + taken.email(), PASSWORD, PASSWORD, 409);
    assertThat(message(sameName)).contains("username");
    Map<String, Object> sameEmail =
        Accounts.register(
            api, Accounts.unique("dup"), taken.email().toUpperCase(), PASSWORD, PASSWORD, 409);
    assertThat(message(sameEmail)).contains("email");

    String fresh = Accounts.unique("bad");
    assertThat(
            details(
                Accounts.register(api, fresh, fresh + "@x.test", PASSWORD, PASSWORD + "x", 400)))
        .isEqualTo("confirm_password");
    assertThat(details(Accounts.register(api, fresh, "not-an-email", PASSWORD, PASSWORD, 400)))
        .isEqualTo("email");
    assertThat(details(Accounts.register(api, "a b", fresh + "@x.test", PASSWORD, PASSWORD, 400)))
        .isEqualTo("username");
    assertThat(message(Accounts.register(api, fresh, fresh + "@x.test", "short1", "short1", 400)))
        .contains("10 to 128 characters");
    assertThat(
            message(
                Accounts.register(
                    api,
                    fresh,
                    fresh + "@x.test",
                    "onlyletterspassword",
                    "onlyletterspassword",
                    400)))
        .contains("one letter and one digit or symbol");
    // Nothing was created by the refused attempts.
    Json.post(api, "/v1/auth/login", Map.of("email", fresh + "@x.test", "password", PASSWORD), 404);
  }

  @Test
  void loginByEmailAndByUsername(WebTestClient api) {
    Account account = Accounts.register(api, "login");
    Account again = Accounts.login(api, account.email().toUpperCase(), PASSWORD);
    assertThat(again.id()).isEqualTo(account.id());
    assertThat(again.accessToken()).isNotEqualTo(account.accessToken());

    Map<String, Object> wrong =
        Json.post(
            api,
            "/v1/auth/login",
            Map.of("email", account.email(), "password", "Wrong-passw0rd"),
            401);
    assertThat(message(wrong)).contains("Invalid credentials").contains("attempt(s) left");
    Map<String, Object> unknown =
        Json.post(
            api,
            "/v1/auth/login",
            Map.of("email", "nobody-" + account.email(), "password", PASSWORD),
            404);
    assertThat(message(unknown)).isEqualTo("User not found");

    // builds-analysis-api.md: login by username, {access_token, token_type}.
    Map<String, Object> byName =
        Json.post(
            api, "/auth/login", Map.of("username", account.username(), "password", PASSWORD), 200);
    assertThat(byName).containsEntry("token_type", "bearer").containsKey("access_token");
    Json.call(
        api, HttpMethod.GET, "/v1/user/profile", (String) byName.get("access_token"), null, 200);
    Map<String, Object> badName =
        Json.post(
            api,
            "/auth/login",
            Map.of("username", "nobody-" + account.username(), "password", PASSWORD),
            401);
    assertThat(badName)
        .containsEntry("error", "invalid_credentials")
        .containsEntry("status_code", 401)
        .containsKey("timestamp");
  }

  @Test
  void repeatedFailuresLockTheAccountAndSaySo(WebTestClient api) {
    Account account = Accounts.register(api, "lock");
    Map<String, Object> wrong = Map.of("email", account.email(), "password", "Wrong-passw0rd");
    for (int i = 1; i < 5; i++) {
      assertThat(message(Json.post(api, "/v1/auth/login", wrong, 401)))
          .contains((5 - i) + " attempt(s) left");
    }
    api.post()
        .uri("/v1/auth/login")
        .bodyValue(wrong)
        .exchange()
        .expectStatus()
        .isEqualTo(423)
        .expectHeader()
        .value("Retry-After", v -> assertThat(Long.parseLong(v)).isBetween(800L, 900L))
        .expectBody()
        .jsonPath("$.error.message")
        .value(m -> assertThat((String) m).contains("account is locked"));
    // Even the right password is refused while locked.
    Json.post(api, "/v1/auth/login", Map.of("email", account.email(), "password", PASSWORD), 423);
    // Existing sessions are not affected by the lock.
    Json.call(api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200);
  }

  @Test
  void refreshRotatesAndAReusedTokenRevokesTheSession(WebTestClient api) {
    Account account = Accounts.register(api, "refresh");
    Map<String, Object> first =
        Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", account.refreshToken()), 200);
    String rotated = (String) first.get("refresh_token");
    String newAccess = (String) first.get("access_token");
    assertThat(rotated).isNotEqualTo(account.refreshToken()).startsWith("rt_");
    assertThat(first).containsKey("expires_at");
    Json.call(api, HttpMethod.GET, "/v1/user/profile", newAccess, null, 200);

    // The old token again: theft is assumed, the whole session family is revoked.
    Map<String, Object> reused =
        Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", account.refreshToken()), 401);
    assertThat(message(reused)).contains("already used");
    Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", rotated), 401);
    Json.call(api, HttpMethod.GET, "/v1/user/profile", newAccess, null, 401);
    Json.call(api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 401);
    // Other sessions of the same user live on.
    Account other = Accounts.login(api, account.email(), PASSWORD);
    Json.call(api, HttpMethod.GET, "/v1/user/profile", other.accessToken(), null, 200);

    Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", "rt_unknown"), 401);
    Json.post(api, "/v1/auth/refresh", Map.of(), 400);
  }

  @Test
  void logoutEndsTheSessionAndItsTokens(WebTestClient api) {
    Account account = Accounts.register(api, "logout");
    Json.call(api, HttpMethod.POST, "/v1/auth/logout", null, null, 401);
    Map<String, Object> out =
        Json.call(api, HttpMethod.POST, "/v1/auth/logout", account.accessToken(), null, 200);
    assertThat(out).containsEntry("message", "Successfully logged out");
    assertThat(
            message(
                Json.call(
                    api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 401)))
        .contains("Session has ended");
    Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", account.refreshToken()), 401);
  }

  @Test
  void profileReadAndUpdate(WebTestClient api) {
    Account account = Accounts.register(api, "profile");
    Map<String, Object> profile =
        Json.call(api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200);
    assertThat(profile)
        .containsEntry("id", account.id())
        .containsEntry("username", account.username())
        .containsEntry("is_active", true)
        .containsKeys("created_at", "last_login");
    Json.call(api, HttpMethod.GET, "/v1/user/profile", null, null, 401);

    String renamed = Accounts.unique("renamed");
    Map<String, Object> updated =
        Json.call(
            api,
            HttpMethod.PUT,
            "/v1/user/profile",
            account.accessToken(),
            Map.of("username", renamed),
            200);
    assertThat(updated).containsEntry("username", renamed).containsEntry("email", account.email());
    assertThat(updated).containsKey("updated_at");

    Account other = Accounts.register(api, "profile");
    assertThat(
            details(
                Json.call(
                    api,
                    HttpMethod.PUT,
                    "/v1/user/profile",
                    account.accessToken(),
                    Map.of("email", other.email()),
                    409)))
        .isEqualTo("email");
    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/user/profile",
        account.accessToken(),
        Map.of("email", "nope"),
        400);
    Json.call(api, HttpMethod.PUT, "/v1/user/profile", account.accessToken(), Map.of(), 400);
    // The other user's profile is untouched.
    assertThat(Json.call(api, HttpMethod.GET, "/v1/user/profile", other.accessToken(), null, 200))
        .containsEntry("username", other.username());
  }

  @Test
  void changePasswordChecksTheCurrentOneAndEndsOtherSessions(WebTestClient api) {
    Account account = Accounts.register(api, "passwd");
    Account otherSession = Accounts.login(api, account.email(), PASSWORD);
    String next = "Another-g00d-password";
    assertThat(
            details(
                Json.call(
                    api,
                    HttpMethod.PUT,
                    "/v1/user/password",
                    account.accessToken(),
                    change("Wrong-passw0rd", next, next),
                    400)))
        .isEqualTo("current_password");
    assertThat(
            details(
                Json.call(
                    api,
                    HttpMethod.PUT,
                    "/v1/user/password",
                    account.accessToken(),
                    change(PASSWORD, next, next + "!"),
                    400)))
        .isEqualTo("confirm_new_password");
    assertThat(
            details(
                Json.call(
                    api,
                    HttpMethod.PUT,
                    "/v1/user/password",
                    account.accessToken(),
                    change(PASSWORD, "weak", "weak"),
                    400)))
        .isEqualTo("new_password");

    assertThat(
            Json.call(
                api,
                HttpMethod.PUT,
                "/v1/user/password",
                account.accessToken(),
                change(PASSWORD, next, next),
                200))
        .containsEntry("message", "Password updated successfully");
    Json.call(api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200);
    Json.call(api, HttpMethod.GET, "/v1/user/profile", otherSession.accessToken(), null, 401);
    Json.post(api, "/v1/auth/login", Map.of("email", account.email(), "password", PASSWORD), 401);
    Accounts.login(api, account.email(), next);
  }

  private static Map<String, Object> change(String current, String next, String confirm) {
    return Map.of(
        "current_password", current, "new_password", next, "confirm_new_password", confirm);
  }

  /** The container-engine error message. */
  @SuppressWarnings("unchecked")
  static String message(Map<String, Object> body) {
    return (String) ((Map<String, Object>) body.get("error")).get("message");
  }

  /** The container-engine error details (the field at fault). */
  @SuppressWarnings("unchecked")
  static String details(Map<String, Object> body) {
    return (String) ((Map<String, Object>) body.get("error")).get("details");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> claims(String jwt) {
    try {
      byte[] json = Base64.getUrlDecoder().decode(jwt.split("\\.")[1]);
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
