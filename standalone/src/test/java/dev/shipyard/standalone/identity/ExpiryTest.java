package dev.shipyard.standalone.identity;

import static dev.shipyard.standalone.identity.AccountsTest.message;
import static dev.shipyard.standalone.testing.Accounts.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.MutableClock;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Expiry and lockout on an API instance whose {@link Clock} the test moves: lockout ends after
 * {@code LOGIN_LOCKOUT}, refresh tokens after {@code JWT_REFRESH_TTL}, reset links after {@code
 * PASSWORD_RESET_TTL}, access tokens after {@code JWT_ACCESS_TTL} (plus the 60 s skew). Nothing
 * waits: the clock jumps. The instance shares the test platform's database.
 */
@ExtendWith(LocalPlatformExtension.class)
class ExpiryTest {

  private static final Pattern LINK = Pattern.compile("[?&]token=([A-Za-z0-9_-]+)");

  private static MutableClock clock;
  private static ConfigurableApplicationContext clocked;
  private static WebTestClient api;

  @BeforeAll
  static void startAnApiWithItsOwnClock(LocalPlatform platform) {
    // A whole second, so lockout and token times come out in whole seconds too.
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    clocked =
        platform.startAnotherApi(Map.of(), beans -> beans.registerBean(Clock.class, () -> clock));
    assertThat(clocked.getBean(Clock.class)).isSameAs(clock);
    api = LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(clocked));
  }

  @AfterAll
  static void stop() {
    if (clocked != null) {
      clocked.close();
    }
  }

  @Test
  void aLockoutEndsWhenItsTimeIsUp() {
    Account account = Accounts.register(api, "lockclock");
    Map<String, Object> wrong = Map.of("email", account.email(), "password", "Wrong-passw0rd");
    Map<String, Object> right = Map.of("email", account.email(), "password", PASSWORD);
    for (int i = 1; i < 5; i++) {
      Json.post(api, "/v1/auth/login", wrong, 401);
    }
    assertThat(retryAfter(wrong)).isEqualTo(900);

    clock.advance(Duration.ofMinutes(14));
    assertThat(retryAfter(right)).as("still locked, a minute left").isEqualTo(60);

    clock.advance(Duration.ofSeconds(61));
    Account again = Accounts.login(api, account.email(), PASSWORD);
    Json.call(api, HttpMethod.GET, "/v1/user/profile", again.accessToken(), null, 200);
    // The count started afresh: one failure leaves four attempts.
    assertThat(message(Json.post(api, "/v1/auth/login", wrong, 401))).contains("4 attempt(s) left");
  }

  @Test
  void aLockThatExpiredStartsAFreshCountEvenAfterMoreFailures() {
    Account account = Accounts.register(api, "lockagain");
    Map<String, Object> wrong = Map.of("email", account.email(), "password", "Wrong-passw0rd");
    for (int i = 1; i < 5; i++) {
      Json.post(api, "/v1/auth/login", wrong, 401);
    }
    assertThat(retryAfter(wrong)).isEqualTo(900);
    clock.advance(Duration.ofMinutes(15));
    // Expired lock: this failure counts as the first of a new series, not the sixth.
    assertThat(message(Json.post(api, "/v1/auth/login", wrong, 401))).contains("4 attempt(s) left");
  }

  @Test
  void refreshTokensWorkUntilTheSessionExpires() {
    Account account = Accounts.login(api, Accounts.register(api, "rtclock").email(), PASSWORD);
    clock.advance(Duration.ofDays(29));
    Map<String, Object> rotated =
        Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", account.refreshToken()), 200);
    String next = (String) rotated.get("refresh_token");
    assertThat(Instant.parse((String) rotated.get("expires_at")))
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)));

    // The session (and with it every refresh token of it) lives 30 days from the login.
    clock.advance(Duration.ofDays(1).plusSeconds(1));
    assertThat(message(Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", next), 401)))
        .contains("Refresh token has expired");
  }

  @Test
  void accessTokensExpireAfterTheirTtlEvenWhenRemembered() {
    Account account = Accounts.register(api, "atclock");
    // Used once, the token is in the credential cache from now on.
    Json.call(api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200);
    clock.advance(Duration.ofMinutes(60));
    Json.call(api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200);
    clock.advance(Duration.ofSeconds(61)); // beyond the 60 s clock skew the verifier allows
    assertThat(
            message(
                Json.call(
                    api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 401)))
        .contains("expired");
  }

  @Test
  void aResetLinkExpiresAfterItsTtl(GreenMail mail) {
    Account account = Accounts.register(api, "resetclock");
    String early = requestReset(mail, account.email(), 1);
    clock.advance(Duration.ofMinutes(61));
    Map<String, Object> refused =
        Json.post(
            api,
            "/v1/auth/reset-password",
            Map.of("token", early, "new_password", "Brand-new-passw0rd"),
            400);
    assertThat(message(refused)).contains("invalid, expired or already used");

    String fresh = requestReset(mail, account.email(), 2);
    clock.advance(Duration.ofMinutes(59));
    Json.post(
        api,
        "/v1/auth/reset-password",
        Map.of("token", fresh, "new_password", "Brand-new-passw0rd"),
        200);
    Accounts.login(api, account.email(), "Brand-new-passw0rd");
  }

  private static long retryAfter(Map<String, Object> login) {
    String value =
        api.post()
            .uri("/v1/auth/login")
            .bodyValue(login)
            .exchange()
            .expectStatus()
            .isEqualTo(423)
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst("Retry-After");
    return Long.parseLong(value);
  }

  /** Asks for a reset link and returns the token of the {@code nth} mail to {@code email}. */
  private static String requestReset(GreenMail mail, String email, int nth) {
    Json.post(api, "/v1/auth/forgot-password", Map.of("email", email), 200);
    List<MimeMessage> mails =
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> mailsTo(mail, email), list -> list.size() >= nth);
    String body = GreenMailUtil.getBody(mails.get(nth - 1)).replace("=\r\n", "");
    Matcher link = LINK.matcher(body);
    assertThat(link.find()).as("reset link in %s", body).isTrue();
    return link.group(1);
  }

  private static List<MimeMessage> mailsTo(GreenMail mail, String email) {
    return Arrays.stream(mail.getReceivedMessages())
        .filter(
            m -> {
              try {
                return Arrays.stream(m.getAllRecipients())
                    .anyMatch(r -> r.toString().equals(email));
              } catch (MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}
