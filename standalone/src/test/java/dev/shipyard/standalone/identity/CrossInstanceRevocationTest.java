package dev.shipyard.standalone.identity;

import static dev.shipyard.standalone.identity.AccountsTest.message;
import static dev.shipyard.standalone.testing.Accounts.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.security.CredentialCache;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Two API instances on one database: a credential that instance B has authenticated (and so
 * remembers in its {@link CredentialCache}) stops working on B as soon as instance A ends or
 * narrows it: logout, refresh-token reuse, password change, demotion, deactivation, API key
 * revocation. The request to B follows A's answer at once; nothing waits.
 */
@ExtendWith(LocalPlatformExtension.class)
class CrossInstanceRevocationTest {

  static final Duration PROPAGATION = Duration.ofSeconds(2);

  private static ConfigurableApplicationContext other;
  private static WebTestClient b;
  private static CredentialCache cacheOfB;

  @BeforeAll
  static void startSecondInstance(LocalPlatform platform) {
    other = platform.startAnotherApi(Map.of());
    b = LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(other));
    cacheOfB = other.getBean(CredentialCache.class);
    // B uses its cache once its LISTEN is in force (a moment after start-up).
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(cacheOfB::active);
  }

  @AfterAll
  static void stop() {
    if (other != null) {
      other.close();
    }
  }

  /** B answers {@code status} for {@code credential}, now or within {@link #PROPAGATION}. */
  private static Map<String, Object> onB(String credential, String uri, int status) {
    AtomicReference<Map<String, Object>> body = new AtomicReference<>();
    Awaitility.await()
        .atMost(PROPAGATION)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> body.set(Json.call(b, HttpMethod.GET, uri, credential, null, status)));
    return body.get();
  }

  /** B authenticates {@code credential} and remembers it. */
  private static void rememberedOnB(String credential, String uri) {
    Json.call(b, HttpMethod.GET, uri, credential, null, 200);
    assertThat(cacheOfB.remembers(credential)).as("B remembers the credential").isTrue();
    Json.call(b, HttpMethod.GET, uri, credential, null, 200);
  }

  @Test
  void logoutOnAIsRefusedAtOnceOnB(WebTestClient a) {
    Account account = Accounts.register(a, "xlogout");
    rememberedOnB(account.accessToken(), "/v1/user/profile");

    Json.call(a, HttpMethod.POST, "/v1/auth/logout", account.accessToken(), null, 200);

    assertThat(message(onB(account.accessToken(), "/v1/user/profile", 401)))
        .contains("Session has ended");
  }

  @Test
  void refreshTokenReuseOnARevokesTheSessionOnB(WebTestClient a) {
    Account account = Accounts.register(a, "xreuse");
    rememberedOnB(account.accessToken(), "/v1/user/profile");
    Json.post(a, "/v1/auth/refresh", Map.of("refresh_token", account.refreshToken()), 200);

    Json.post(a, "/v1/auth/refresh", Map.of("refresh_token", account.refreshToken()), 401);

    onB(account.accessToken(), "/v1/user/profile", 401);
  }

  @Test
  void aPasswordChangeOnAEndsTheOtherSessionsOnB(WebTestClient a) {
    Account account = Accounts.register(a, "xpassword");
    Account elsewhere = Accounts.login(a, account.email(), PASSWORD);
    rememberedOnB(elsewhere.accessToken(), "/v1/user/profile");
    String changed = "Changed-passw0rd-7";

    Json.call(
        a,
        HttpMethod.PUT,
        "/v1/user/password",
        account.accessToken(),
        Map.of(
            "current_password", PASSWORD,
            "new_password", changed,
            "confirm_new_password", changed),
        200);

    onB(elsewhere.accessToken(), "/v1/user/profile", 401);
    // The session that changed it lives on, on both instances.
    Json.call(b, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200);
  }

  @Test
  void demotionAndDeactivationOnAApplyAtOnceOnB(WebTestClient a) {
    Account operator = Accounts.operator(a);
    Account admin = Accounts.create(a, operator, "xadmin", "admin");
    rememberedOnB(admin.accessToken(), "/v1/admin/users");

    Json.call(
        a,
        HttpMethod.PUT,
        "/v1/admin/users/" + admin.id(),
        operator.accessToken(),
        Map.of("role", "user"),
        200);

    onB(admin.accessToken(), "/v1/admin/users", 403);
    rememberedOnB(admin.accessToken(), "/v1/user/profile");

    Json.call(
        a,
        HttpMethod.PUT,
        "/v1/admin/users/" + admin.id(),
        operator.accessToken(),
        Map.of("is_active", false),
        200);

    assertThat(message(onB(admin.accessToken(), "/v1/user/profile", 401))).contains("disabled");
  }

  @Test
  void anApiKeyRevokedOnAIsRefusedAtOnceOnB(WebTestClient a) {
    Account owner = Accounts.register(a, "xkey");
    Map<String, Object> created =
        Json.call(
            a, HttpMethod.POST, "/v1/api-keys", owner.accessToken(), Map.of("name", "ci"), 201);
    String key = (String) created.get("key");
    rememberedOnB(key, "/v1/user/profile");

    Json.call(
        a, HttpMethod.DELETE, "/v1/api-keys/" + created.get("id"), owner.accessToken(), null, 200);

    assertThat(message(onB(key, "/v1/user/profile", 401))).contains("revoked");
  }

  @Test
  void profileChangesOnAShowAtOnceOnBWhichServesProfilesFromMemory(WebTestClient a) {
    Account account = Accounts.register(a, "xprofile");
    rememberedOnB(account.accessToken(), "/v1/user/profile");
    Object loginBefore =
        Json.call(b, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200)
            .get("last_login");

    String email = Accounts.unique("moved") + "@x.test";
    Json.call(
        a, HttpMethod.PUT, "/v1/user/profile", account.accessToken(), Map.of("email", email), 200);
    // A's own answer shows it at once (the writer drops its entry), B's within the propagation.
    assertThat(Json.call(a, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200))
        .containsEntry("email", email);
    Awaitility.await()
        .atMost(PROPAGATION)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () ->
                assertThat(
                        Json.call(
                            b,
                            HttpMethod.GET,
                            "/v1/user/profile",
                            account.accessToken(),
                            null,
                            200))
                    .containsEntry("email", email));

    // A login elsewhere (only last_login changes: credentials stay) shows on B too.
    Accounts.login(a, email, PASSWORD);
    Awaitility.await()
        .atMost(PROPAGATION)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () ->
                assertThat(
                        Json.call(
                                b,
                                HttpMethod.GET,
                                "/v1/user/profile",
                                account.accessToken(),
                                null,
                                200)
                            .get("last_login"))
                    .isNotNull()
                    .isNotEqualTo(loginBefore));
    assertThat(cacheOfB.remembers(account.accessToken())).as("the credential stays").isTrue();
  }
}
