package dev.shipyard.standalone.identity;

import static dev.shipyard.standalone.testing.Accounts.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.LogCapture;
import dev.shipyard.standalone.testing.WsClient;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A full identity flow with debug logging on, captured: none of the secrets used (passwords,
 * tokens, keys, the reset token, the JWT secret) appears in any log line or in the audit trail,
 * while the audit trail does record every security event of the flow.
 */
@ExtendWith(LocalPlatformExtension.class)
class NoSecretsTest {

  @Test
  void aFullFlowLeavesNoSecretInLogsOrAudit(
      LocalPlatform platform, WebTestClient api, GreenMail mail) throws Exception {
    List<String> secrets = new ArrayList<>(List.of(PASSWORD, LocalPlatformExtension.JWT_SECRET));
    List<ILoggingEvent> events;
    Account account;
    try (LogCapture capture = new LogCapture(LogCapture.PLATFORM_LOGGERS)) {
      account = Accounts.register(api, "secret");
      secrets.addAll(List.of(account.accessToken(), account.refreshToken()));
      Json.post(
          api,
          "/v1/auth/login",
          Map.of("email", account.email(), "password", "Wrong-passw0rd-1"),
          401);
      secrets.add("Wrong-passw0rd-1");
      Account session = Accounts.login(api, account.email(), PASSWORD);
      secrets.addAll(List.of(session.accessToken(), session.refreshToken()));
      Map<String, Object> refreshed =
          Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", session.refreshToken()), 200);
      secrets.addAll(
          List.of((String) refreshed.get("access_token"), (String) refreshed.get("refresh_token")));
      Json.post(api, "/v1/auth/refresh", Map.of("refresh_token", session.refreshToken()), 401);

      Map<String, Object> key =
          Json.call(
              api,
              HttpMethod.POST,
              "/v1/api-keys",
              account.accessToken(),
              Map.of("name", "ci"),
              201);
      String apiKey = (String) key.get("key");
      secrets.add(apiKey);
      Json.call(api, HttpMethod.GET, "/v1/user/profile", apiKey, null, 200);
      Json.call(
          api,
          HttpMethod.DELETE,
          "/v1/api-keys/" + key.get("id"),
          account.accessToken(),
          null,
          200);
      Json.call(api, HttpMethod.GET, "/v1/user/profile", apiKey, null, 401);

      // The WebSockets take the token in the query string or as a subprotocol: never logged.
      UUID build = UUID.randomUUID();
      platform
          .workerContext()
          .getBean(JdbcTemplate.class)
          .update(
              "INSERT INTO builds (task_id, tenant_id, owner_id, created_by, project_name, goal,"
                  + " workflow_id) VALUES (?, ?, ?, ?, 'demo', 'a goal', ?)",
              build,
              account.tenantId(),
              UUID.fromString(account.id()),
              account.username(),
              "build-" + build);
      String ws = platform.endpoints().apiUrl().replaceFirst("^http", "ws") + "/api/ws/build/";
      try (WsClient byQuery = WsClient.connect(ws + build + "?token=" + account.accessToken());
          WsClient byProtocol = WsClient.connect(ws + build, "bearer", account.accessToken())) {
        for (WsClient client : List.of(byQuery, byProtocol)) {
          assertThat(client.next(Duration.ofSeconds(10))).containsEntry("type", "connected");
          assertThat(client.next(Duration.ofSeconds(10))).containsEntry("type", "progress");
        }
      }

      String changed = "Changed-passw0rd-2";
      secrets.add(changed);
      Json.call(
          api,
          HttpMethod.PUT,
          "/v1/user/password",
          account.accessToken(),
          Map.of(
              "current_password",
              PASSWORD,
              "new_password",
              changed,
              "confirm_new_password",
              changed),
          200);

      Json.post(api, "/v1/auth/forgot-password", Map.of("email", account.email()), 200);
      String resetToken = resetToken(mail, account.email());
      secrets.add(resetToken);
      String reset = "Reset-passw0rd-3";
      secrets.add(reset);
      Json.post(
          api, "/v1/auth/reset-password", Map.of("token", resetToken, "new_password", reset), 200);
      Account last = Accounts.login(api, account.email(), reset);
      secrets.addAll(List.of(last.accessToken(), last.refreshToken()));
      Json.call(api, HttpMethod.POST, "/v1/auth/logout", last.accessToken(), null, 200);
      events = capture.events();
    }

    List<String> lines =
        events.stream().filter(NoSecretsTest::fromShipyard).map(LogCapture::render).toList();
    assertThat(lines).as("the capture saw the flow").anyMatch(l -> l.contains("/v1/auth/register"));
    for (String secret : secrets) {
      assertThat(lines).as("log lines containing a secret").noneMatch(l -> l.contains(secret));
    }

    Account operator = Accounts.operator(api);
    Map<String, Object> audit =
        Json.call(
            api, HttpMethod.GET, "/v1/admin/audit?limit=100", operator.accessToken(), null, 200);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> mine =
        ((List<Map<String, Object>>) audit.get("events"))
            .stream().filter(e -> account.id().equals(e.get("actor_id"))).toList();
    Map<String, String> outcomes = new LinkedHashMap<>();
    mine.forEach(
        e ->
            outcomes.merge(
                (String) e.get("event"), (String) e.get("outcome"), (a, b) -> a + "," + b));
    assertThat(outcomes)
        .containsKeys(
            "user.registered",
            "auth.login",
            "auth.refresh",
            "auth.refresh_reuse",
            "apikey.created",
            "apikey.revoked",
            "password.changed",
            "password.reset_requested",
            "password.reset",
            "auth.logout");
    assertThat(outcomes.get("auth.login")).contains("success").contains("failure");
    assertThat(mine).allSatisfy(e -> assertThat(e.get("request_id")).isNotNull());
    String auditText = mine.toString();
    for (String secret : secrets) {
      assertThat(auditText).doesNotContain(secret);
    }
  }

  private static String resetToken(GreenMail mail, String to) {
    MimeMessage message =
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    Arrays.stream(mail.getReceivedMessages())
                        .filter(m -> GreenMailUtil.getAddressList(recipients(m)).contains(to))
                        .reduce((a, b) -> b)
                        .orElse(null),
                m -> m != null);
    Matcher token =
        Pattern.compile("[?&]token=([A-Za-z0-9_-]+)")
            .matcher(GreenMailUtil.getBody(message).replace("=\r\n", ""));
    assertThat(token.find()).isTrue();
    return token.group(1);
  }

  private static jakarta.mail.Address[] recipients(MimeMessage m) {
    try {
      return m.getAllRecipients();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Leaves out what the test side logs: GreenMail (the test's SMTP server) and the WebTestClient's
   * own codecs, which run on reactor-netty's global client threads (the platform's API has its own
   * event loops, named webflux-http-*).
   */
  private static boolean fromShipyard(ILoggingEvent event) {
    boolean testClientCodec =
        event.getThreadName().startsWith("reactor-http-")
            && event.getLoggerName().startsWith("org.springframework.http.codec");
    return !testClientCodec && !event.getLoggerName().startsWith("com.icegreen");
  }
}
