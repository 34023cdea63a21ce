package dev.shipyard.standalone.testing;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Accounts for the end-to-end tests, made through the public API. */
public final class Accounts {

  /** A password that meets the policy. */
  public static final String PASSWORD = "Correct-horse-9-battery";

  private Accounts() {}

  /** A logged-in user. */
  public record Account(
      String id,
      String username,
      String email,
      String password,
      String tenantId,
      String accessToken,
      String refreshToken) {}

  public static String unique(String prefix) {
    byte[] b = new byte[4];
    ThreadLocalRandom.current().nextBytes(b);
    return prefix + "-" + HexFormat.of().formatHex(b);
  }

  /** Registers a new user (role user, operator tenant) and returns it logged in. */
  public static Account register(WebTestClient api, String prefix) {
    String username = unique(prefix);
    return account(
        register(api, username, username + "@example.test", PASSWORD, PASSWORD, 201), PASSWORD);
  }

  /** {@code POST /v1/auth/register}, expecting {@code status}. */
  public static Map<String, Object> register(
      WebTestClient api,
      String username,
      String email,
      String password,
      String confirm,
      int status) {
    return Json.post(
        api,
        "/v1/auth/register",
        Map.of(
            "username", username,
            "email", email,
            "password", password,
            "confirm_password", confirm),
        status);
  }

  public static Account login(WebTestClient api, String email, String password) {
    return account(
        Json.post(api, "/v1/auth/login", Map.of("email", email, "password", password), 200),
        password);
  }

  /** The configured first admin of the test platform (operator tenant). */
  public static Account operator(WebTestClient api) {
    return login(api, LocalPlatformExtension.ADMIN_EMAIL, LocalPlatformExtension.ADMIN_PASSWORD);
  }

  /** Creates a user with {@code role} in the admin's tenant and returns it logged in. */
  public static Account create(WebTestClient api, Account admin, String prefix, String role) {
    String username = unique(prefix);
    String email = username + "@example.test";
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/admin/users",
        admin.accessToken(),
        Map.of("username", username, "email", email, "password", PASSWORD, "role", role),
        201);
    return login(api, email, PASSWORD);
  }

  @SuppressWarnings("unchecked")
  static Account account(Map<String, Object> body, String password) {
    Map<String, Object> user = (Map<String, Object>) body.get("user");
    return new Account(
        (String) user.get("id"),
        (String) user.get("username"),
        (String) user.get("email"),
        password,
        (String) user.get("tenant_id"),
        (String) body.get("access_token"),
        (String) body.get("refresh_token"));
  }
}
