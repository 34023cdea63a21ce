package dev.shipyard.standalone.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.webhook.WebhookSender;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 11 "Must show": a webhook receiver set as {@code WEBHOOK_URL} gets {@code
 * deployment_started} and {@code deployment_completed} with the fields container-engine-api.md
 * documents (Webhook Integration) and a valid signature, verified as a receiver verifies capsule
 * webhooks (HMAC-SHA256 of {@code t.body} with the signing secret). A platform of its own: the
 * shared one has no {@code WEBHOOK_URL} (its receiver is for the capsule webhooks of other tests).
 */
class DeploymentWebhookTest {

  private static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalPlatform platform;
  private WebhookReceiver receiver;

  @AfterEach
  void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aReceiverGetsStartedThenCompletedWithTheDocumentedFieldsSigned(@TempDir Path tmp)
      throws Exception {
    receiver = new WebhookReceiver();
    Map<String, Object> worker = new LinkedHashMap<>();
    worker.put("WEBHOOK_URL", receiver.url("/deployments-hook"));
    worker.put("OUTBOUND_ALLOWED", "127.0.0.1:" + receiver.port());
    platform = LocalPlatformExtension.startIsolated(tmp.resolve("data"), worker);
    WebTestClient api = LocalPlatformExtension.client(platform);
    Account owner = Accounts.register(api, "hooked");

    Instant before = Instant.now().minusSeconds(1);
    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments",
            owner.accessToken(),
            Map.of("app_name", "hooked", "image", "registry.example/acme/hooked:1.0", "port", 8080),
            201);
    String id = (String) created.get("id");

    // Deliveries run in the background (each retried on its own): taken by their event type.
    Map<String, WebhookReceiver.Request> calls = new LinkedHashMap<>();
    for (int i = 0; i < 2; i++) {
      WebhookReceiver.Request call = receiver.poll(DEADLINE);
      assertThat(call).as("webhook %d", i + 1).isNotNull();
      calls.put(call.header("X-Shipyard-Event"), call);
    }
    assertThat(calls).containsOnlyKeys("deployment_started", "deployment_completed");
    WebhookReceiver.Request started = calls.get("deployment_started");
    WebhookReceiver.Request completed = calls.get("deployment_completed");
    Map<String, Object> deployment =
        Json.call(api, HttpMethod.GET, "/v1/deployments/" + id, owner.accessToken(), null, 200);
    assertThat(deployment).containsEntry("status", "running");
    String url = (String) deployment.get("url");
    assertThat(url).isEqualTo("https://hooked.apps.shipyard.local");
    Instant after = Instant.now().plusSeconds(1);

    Instant startedAt =
        verified(started, "deployment_started", "started", id, owner, url, before, after);
    Instant completedAt =
        verified(completed, "deployment_completed", "completed", id, owner, url, before, after);
    assertThat(completedAt).isAfterOrEqualTo(startedAt);
    assertThat(completed.header("X-Shipyard-Delivery"))
        .isNotEqualTo(started.header("X-Shipyard-Delivery"));
    assertThat(receiver.poll(Duration.ofMillis(500))).as("no other webhook").isNull();
  }

  /** Checks one delivery (request, headers, signature, body) and returns its timestamp. */
  private static Instant verified(
      WebhookReceiver.Request call,
      String type,
      String status,
      String id,
      Account owner,
      String url,
      Instant before,
      Instant after)
      throws Exception {
    assertThat(call.requestLine()).isEqualTo("POST /deployments-hook HTTP/1.1");
    assertThat(call.header("content-type")).startsWith("application/json");
    assertThat(call.header("X-Shipyard-Event")).isEqualTo(type);
    assertThat(call.header("X-Shipyard-Delivery")).isNotBlank();

    // The signature as a receiver checks it: t=<unix seconds>,v1=<HMAC-SHA256 of "t.body">.
    String[] parts = call.header("X-Shipyard-Signature").split(",");
    assertThat(parts).hasSize(2);
    assertThat(parts[0]).startsWith("t=");
    long t = Long.parseLong(parts[0].substring(2));
    assertThat(Instant.ofEpochSecond(t)).isBetween(before.minusSeconds(1), after);
    String expected =
        WebhookSender.sign(
            LocalPlatformExtension.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8),
            t + "." + call.body());
    assertThat(parts[1]).isEqualTo("v1=" + expected);
    String forged =
        WebhookSender.sign(
            "another-secret".getBytes(StandardCharsets.UTF_8), t + "." + call.body());
    assertThat(parts[1]).isNotEqualTo("v1=" + forged);

    Map<String, Object> body = JSON.readValue(call.body(), new TypeReference<>() {});
    assertThat(body)
        .containsOnlyKeys(
            "deployment_id", "status", "type", "timestamp", "app_name", "user_id", "url")
        .containsEntry("deployment_id", id)
        .containsEntry("status", status)
        .containsEntry("type", type)
        .containsEntry("app_name", "hooked")
        .containsEntry("user_id", owner.id())
        .containsEntry("url", url);
    Instant at = Instant.parse((String) body.get("timestamp"));
    assertThat(at).isBetween(before, after);
    return at;
  }
}
