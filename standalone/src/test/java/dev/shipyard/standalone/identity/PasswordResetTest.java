package dev.shipyard.standalone.identity;

import static dev.shipyard.standalone.testing.Accounts.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Password reset end to end: the mail really goes through SMTP (GreenMail), its token works once.
 */
@ExtendWith(LocalPlatformExtension.class)
class PasswordResetTest {

  private static final Pattern LINK = Pattern.compile("https?://\\S+[?&]token=([A-Za-z0-9_-]+)");
  private static final String SENT =
      "If an account with that email exists, a password reset link has been sent.";

  @Test
  void theMailedTokenResetsThePasswordOnce(WebTestClient api, GreenMail mail) throws Exception {
    Account account = Accounts.register(api, "reset");
    Account otherSession = Accounts.login(api, account.email(), PASSWORD);

    assertThat(
            Json.post(
                api,
                "/v1/auth/forgot-password",
                Map.of("email", account.email().toUpperCase()),
                200))
        .isEqualTo(Map.of("message", SENT));
    MimeMessage message = awaitMailTo(mail, account.email());
    assertThat(message.getSubject()).isEqualTo("Reset your Shipyard password");
    String body = GreenMailUtil.getBody(message).replace("=\r\n", "");
    Matcher link = LINK.matcher(body);
    assertThat(link.find()).as("reset link in %s", body).isTrue();
    String token = link.group(1);

    // A weak password is refused without spending the token.
    Json.post(api, "/v1/auth/reset-password", Map.of("token", token, "new_password", "weak"), 400);
    String next = "Brand-new-passw0rd";
    assertThat(
            Json.post(
                api, "/v1/auth/reset-password", Map.of("token", token, "new_password", next), 200))
        .isEqualTo(Map.of("message", "Password reset successfully"));
    Accounts.login(api, account.email(), next);
    Json.post(api, "/v1/auth/login", Map.of("email", account.email(), "password", PASSWORD), 401);
    // Sessions from before the reset are over.
    Json.call(api, HttpMethod.GET, "/v1/user/profile", otherSession.accessToken(), null, 401);

    // Single use.
    Map<String, Object> again =
        Json.post(
            api,
            "/v1/auth/reset-password",
            Map.of("token", token, "new_password", "Third-passw0rd!"),
            400);
    assertThat(AccountsTest.details(again)).isEqualTo("token");
    Json.post(
        api,
        "/v1/auth/reset-password",
        Map.of("token", "made-up", "new_password", "Third-passw0rd!"),
        400);
    Json.post(api, "/v1/auth/reset-password", Map.of("token", token), 400);
  }

  @Test
  void unknownEmailsGetTheSameAnswerAndNoMail(WebTestClient api, GreenMail mail) throws Exception {
    String nobody = Accounts.unique("nobody") + "@example.test";
    assertThat(Json.post(api, "/v1/auth/forgot-password", Map.of("email", nobody), 200))
        .isEqualTo(Map.of("message", SENT));
    // A mail to a known account sent afterwards arrives; nothing ever went to the unknown one.
    Account known = Accounts.register(api, "known");
    Json.post(api, "/v1/auth/forgot-password", Map.of("email", known.email()), 200);
    awaitMailTo(mail, known.email());
    assertThat(Arrays.stream(mail.getReceivedMessages()).map(PasswordResetTest::recipients))
        .noneMatch(r -> r.contains(nobody));
    Json.post(api, "/v1/auth/forgot-password", Map.of("email", "not-an-email"), 400);

    // The audit trail tells the two apart: one success for the account, one failure for the rest.
    assertThat(resetRequests(api, known.email())).containsExactly("success");
    assertThat(resetRequests(api, nobody)).containsExactly("failure");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> resetRequests(WebTestClient api, String email) {
    Map<String, Object> page =
        Json.call(
            api,
            HttpMethod.GET,
            "/v1/admin/audit?limit=100&event=password.reset_requested",
            Accounts.operator(api).accessToken(),
            null,
            200);
    return ((List<Map<String, Object>>) page.get("events"))
        .stream().filter(e -> email.equals(e.get("subject"))).map(e -> e.get("outcome")).toList();
  }

  private static MimeMessage awaitMailTo(GreenMail mail, String to) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Arrays.stream(mail.getReceivedMessages())
                    .filter(m -> recipients(m).contains(to))
                    .findFirst()
                    .orElse(null),
            m -> m != null);
  }

  private static List<String> recipients(MimeMessage message) {
    try {
      return Arrays.stream(message.getAllRecipients()).map(Object::toString).toList();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
