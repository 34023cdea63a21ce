package dev.shipyard.standalone.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.webhook.WebhookSendActivitiesImpl;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.StoredCapsules;
import dev.shipyard.standalone.testing.WebhookReceiver;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.webhooks.WebhookAttemptOutcome;
import dev.shipyard.workflows.webhooks.WebhookDelivery;
import dev.shipyard.workflows.webhooks.WebhookDeliveryWorkflow;
import dev.shipyard.workflows.webhooks.WebhookDeliveryWorkflowImpl;
import dev.shipyard.workflows.webhooks.WebhookDispatch;
import dev.shipyard.workflows.webhooks.WebhookEndpoint;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Standard Webhooks end to end (issue 13 "Must show"): subscriptions over HTTP, events raised
 * through the API reaching a receiver whose signature check is the official {@code
 * standardwebhooks} library, secret rotation with both signatures valid, replay, attempts listed
 * over HTTP, 410 disabling the subscription; and, on Temporal's test environment with time
 * skipping, a receiver down for three attempts getting the message on the fourth, and a
 * subscription failing for longer than allowed disabled with its owner notified.
 */
@ExtendWith(LocalPlatformExtension.class)
class WebhooksApiTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<SourceFile> FILES =
      List.of(new SourceFile("README.md", "# hooks\n"), new SourceFile("app.py", "print(1)\n"));

  @Test
  @SuppressWarnings("unchecked")
  void aSubscriberGetsSignedEventsThroughRotationReplayAndIsDisabledBy410(
      WebTestClient api, LocalPlatform platform, WebhookReceiver receiver) throws Exception {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    Account owner = Accounts.register(api, "hooks");
    String capsule = storedCapsule(platform, jdbc, owner);
    String path = "/sub-" + UUID.randomUUID();

    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/webhooks",
            owner.accessToken(),
            Map.of("url", receiver.url(path), "events", List.of("version.created")),
            201);
    String webhook = (String) created.get("id");
    String secret = (String) created.get("secret");
    assertThat(secret).startsWith("whsec_");
    assertThat(created).containsEntry("events", List.of("version.created"));
    // Shown once: never listed, never stored in clear.
    Map<String, Object> listed =
        Json.call(api, HttpMethod.GET, "/v1/webhooks", owner.accessToken(), null, 200);
    assertThat(JSON.writeValueAsString(listed)).doesNotContain(secret.substring(6));
    assertThat((List<Map<String, Object>>) listed.get("webhooks"))
        .singleElement()
        .satisfies(w -> assertThat(w).containsEntry("id", webhook).containsEntry("enabled", true));
    assertThat(
            jdbc.queryForObject(
                "SELECT secret_sealed FROM webhook_subscriptions WHERE id = ?::uuid",
                String.class,
                webhook))
        .doesNotContain(secret.substring(6));

    // A version made through the API: version.created reaches the receiver, signed.
    String v2 = newVersion(api, owner, capsule, head(jdbc, capsule), "print(2)\n");
    WebhookReceiver.Request first = next(receiver, path);
    assertThat(first.header("X-Shipyard-Event")).isEqualTo("version.created");
    Map<String, Object> body = JSON.readValue(first.body(), new TypeReference<>() {});
    assertThat(body).containsEntry("event", "version.created").containsKeys("timestamp", "data");
    assertThat((Map<String, Object>) body.get("data")).containsEntry("capsule_id", capsule);
    assertThat(first.body()).contains(v2);
    String firstMessage = first.header("webhook-id");
    assertThat(first.header("X-Shipyard-Delivery")).isEqualTo(firstMessage);
    assertThat(first.header("webhook-signature")).startsWith("v1,").doesNotContain(" ");
    assertThat(StandardWebhooksVerifier.verify(secret, first)).isEqualTo("verified");
    // The check can fail: another secret, or a body changed on the way, is refused.
    assertThat(StandardWebhooksVerifier.verify(otherSecret(), first)).startsWith("refused");
    assertThat(
            StandardWebhooksVerifier.verify(
                secret,
                new WebhookReceiver.Request(
                    first.requestLine(), first.headers(), first.body().replace(capsule, "x"))))
        .startsWith("refused");

    // Rotation: a new secret, shown once; during the grace period both signatures are sent.
    Map<String, Object> rotated =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/webhooks/" + webhook + "/rotate",
            owner.accessToken(),
            null,
            200);
    String newSecret = (String) rotated.get("secret");
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(secret);
    assertThat(Instant.parse((String) rotated.get("previous_secret_expires_at")))
        .isAfter(Instant.now().plus(Duration.ofHours(23)));
    newVersion(api, owner, capsule, v2, "print(3)\n");
    WebhookReceiver.Request second = next(receiver, path);
    assertThat(second.header("webhook-signature").split(" ")).hasSize(2);
    assertThat(StandardWebhooksVerifier.verify(newSecret, second)).isEqualTo("verified");
    assertThat(StandardWebhooksVerifier.verify(secret, second)).isEqualTo("verified");

    // A replay by hand: the same message (same webhook-id), signed again.
    Map<String, Object> replay =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/webhooks/" + webhook + "/messages/" + firstMessage + "/replay",
            owner.accessToken(),
            null,
            202);
    assertThat(replay).containsEntry("message_id", firstMessage);
    WebhookReceiver.Request replayed = next(receiver, path);
    assertThat(replayed.header("webhook-id")).isEqualTo(firstMessage);
    assertThat(replayed.body()).isEqualTo(first.body());
    assertThat(StandardWebhooksVerifier.verify(newSecret, replayed)).isEqualTo("verified");

    // Attempts listed over HTTP: three delivered.
    await().atMost(DEADLINE).until(() -> attempts(api, owner, webhook).size() == 3);
    assertThat(attempts(api, owner, webhook))
        .allSatisfy(
            a -> {
              assertThat(a)
                  .containsEntry("status", "delivered")
                  .containsEntry("response_code", 204)
                  .containsEntry("attempt", 1)
                  .containsEntry("event", "version.created");
              assertThat(((Number) a.get("duration_ms")).longValue()).isNotNegative();
              assertThat(a.get("attempted_at")).isNotNull();
            });

    // Strangers see nothing: 404 for every route of this subscription.
    Account stranger = Accounts.register(api, "hookstranger");
    for (String route : List.of("", "/attempts")) {
      Json.call(
          api,
          HttpMethod.GET,
          "/v1/webhooks/" + webhook + route,
          stranger.accessToken(),
          null,
          404);
    }
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/webhooks/" + webhook + "/rotate",
        stranger.accessToken(),
        null,
        404);
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/webhooks/" + webhook + "/messages/" + firstMessage + "/replay",
        stranger.accessToken(),
        null,
        404);
    Json.call(api, HttpMethod.DELETE, "/v1/webhooks/" + webhook, stranger.accessToken(), null, 404);

    // 410 Gone: the subscription is disabled at once, its owner notified.
    receiver.answer(410);
    try {
      newVersion(api, owner, capsule, head(jdbc, capsule), "print(4)\n");
      assertThat(next(receiver, path)).isNotNull();
      await()
          .atMost(DEADLINE)
          .until(
              () ->
                  Boolean.FALSE.equals(
                      Json.call(
                              api,
                              HttpMethod.GET,
                              "/v1/webhooks/" + webhook,
                              owner.accessToken(),
                              null,
                              200)
                          .get("enabled")));
    } finally {
      receiver.answer(204);
    }
    Map<String, Object> disabled =
        Json.call(api, HttpMethod.GET, "/v1/webhooks/" + webhook, owner.accessToken(), null, 200);
    assertThat((String) disabled.get("disabled_reason")).contains("410");
    assertThat(attempts(api, owner, webhook).get(0))
        .containsEntry("status", "gone")
        .containsEntry("response_code", 410)
        .containsEntry("response_excerpt", "answered 410");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM notifications WHERE user_id = ?::uuid"
                    + " AND type = 'webhook_disabled' AND payload->'data'->>'webhook_id' = ?",
                Integer.class,
                owner.id(),
                webhook))
        .isEqualTo(1);
    // Disabled: no more messages are sent to it, and a replay is refused.
    newVersion(api, owner, capsule, head(jdbc, capsule), "print(5)\n");
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/webhooks/" + webhook + "/messages/" + firstMessage + "/replay",
        owner.accessToken(),
        null,
        409);
    assertThat(receiver.poll(Duration.ofSeconds(3))).isNull();

    Json.call(api, HttpMethod.DELETE, "/v1/webhooks/" + webhook, owner.accessToken(), null, 200);
    Json.call(api, HttpMethod.GET, "/v1/webhooks/" + webhook, owner.accessToken(), null, 404);
  }

  @Test
  void badSubscriptionsAreRefusedAndNothingIsStored(WebTestClient api, LocalPlatform platform) {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    Account owner = Accounts.register(api, "hookbad");
    for (String url :
        List.of("http://169.254.169.254/latest/meta-data", "http://[::1]:15432/", "ftp://x/")) {
      Map<String, Object> error =
          Json.call(
              api, HttpMethod.POST, "/v1/webhooks", owner.accessToken(), Map.of("url", url), 400);
      assertThat(JSON.convertValue(error, Map.class).toString()).as(url).contains("url");
    }
    Map<String, Object> unknown =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/webhooks",
            owner.accessToken(),
            Map.of("url", "https://hooks.example.com/x", "events", List.of("capsule.exploded")),
            400);
    assertThat(unknown.toString()).contains("capsule.exploded");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM webhook_subscriptions WHERE owner_id = ?::uuid",
                Integer.class,
                owner.id()))
        .isZero();
  }

  /**
   * The Standard Webhooks schedule with the real sending activity, PostgreSQL and receiver, on the
   * test environment with time skipping: three 503s, then the fourth attempt (5 s + 5 min + 30 min
   * later) delivers; the four attempts are listed over HTTP.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aReceiverDownForThreeAttemptsGetsTheMessageOnTheFourth(
      WebTestClient api, LocalPlatform platform, WebhookReceiver receiver) throws Exception {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    Account owner = Accounts.register(api, "hookdown");
    String path = "/down-" + UUID.randomUUID();
    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/webhooks",
            owner.accessToken(),
            Map.of("url", receiver.url(path), "events", List.of("deployment_completed")),
            201);
    String webhook = (String) created.get("id");
    UUID message = message(jdbc, owner);

    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      register(env, platform, receiver, Clock.systemUTC(), Duration.ofDays(5));
      receiver.failNext(3, 503);
      WebhookDelivery result = deliver(env, message, webhook);
      assertThat(result).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.DELIVERED, 4));
    } finally {
      receiver.failNext(0, 204);
    }
    for (int i = 1; i <= 3; i++) {
      assertThat(next(receiver, path)).as("attempt %d", i).isNotNull();
    }
    WebhookReceiver.Request fourth = next(receiver, path);
    assertThat(fourth.header("webhook-id")).isEqualTo(message.toString());
    assertThat(StandardWebhooksVerifier.verify((String) created.get("secret"), fourth))
        .isEqualTo("verified");

    List<Map<String, Object>> attempts = attempts(api, owner, webhook);
    assertThat(attempts)
        .extracting(a -> a.get("attempt"), a -> a.get("status"), a -> a.get("response_code"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4, "delivered", 204),
            org.assertj.core.groups.Tuple.tuple(3, "failed", 503),
            org.assertj.core.groups.Tuple.tuple(2, "failed", 503),
            org.assertj.core.groups.Tuple.tuple(1, "failed", 503));
    assertThat(attempts.get(1)).containsEntry("response_excerpt", "answered 503");
    assertThat(attempts)
        .allSatisfy(a -> assertThat(a).containsEntry("message_id", message.toString()));
    Map<String, Object> page =
        Json.call(
            api,
            HttpMethod.GET,
            "/v1/webhooks/" + webhook + "/attempts?page=2&limit=3",
            owner.accessToken(),
            null,
            200);
    assertThat((List<Object>) page.get("attempts")).hasSize(1);
    // A success clears the failure streak.
    assertThat(
            jdbc.queryForObject(
                "SELECT failing_since FROM webhook_subscriptions WHERE id = ?::uuid",
                java.sql.Timestamp.class,
                webhook))
        .isNull();
  }

  /**
   * A subscription that keeps failing for longer than {@code WEBHOOK_DISABLE_AFTER} (1 h here, 5
   * days by default) is disabled and its owner notified: the activity reads time from the test
   * environment, whose skipped timers make hours pass.
   */
  @Test
  void anEndpointFailingForLongerThanAllowedIsDisabledAndItsOwnerNotified(
      WebTestClient api, LocalPlatform platform, WebhookReceiver receiver) throws Exception {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    Account owner = Accounts.register(api, "hookfail");
    String path = "/fail-" + UUID.randomUUID();
    String webhook =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/webhooks",
                    owner.accessToken(),
                    Map.of("url", receiver.url(path)),
                    201)
                .get("id");
    UUID message = message(jdbc, owner);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Clock envClock =
          new Clock() {
            @Override
            public ZoneId getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return Instant.ofEpochMilli(env.currentTimeMillis());
            }
          };
      register(env, platform, receiver, envClock, Duration.ofHours(1));
      receiver.answer(500);
      // Attempts at 0, 5 s, 5 min 5 s, 35 min 5 s fail; the fifth, 2 h 35 min after the first
      // failure, finds the endpoint failing for more than 1 h.
      assertThat(deliver(env, message, webhook))
          .isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.DISABLED, 5));
    } finally {
      receiver.answer(204);
    }
    for (int i = 1; i <= 5; i++) {
      assertThat(next(receiver, path)).as("attempt %d", i).isNotNull();
    }
    Map<String, Object> got =
        Json.call(api, HttpMethod.GET, "/v1/webhooks/" + webhook, owner.accessToken(), null, 200);
    assertThat(got).containsEntry("enabled", false);
    assertThat((String) got.get("disabled_reason")).contains("failing since").contains("HTTP 500");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM notifications WHERE user_id = ?::uuid"
                    + " AND type = 'webhook_disabled'",
                Integer.class,
                owner.id()))
        .isEqualTo(1);
  }

  // ---------------------------------------------------------------- helpers

  /** The sending activity as the worker builds it, allowed to reach the test receiver. */
  private static void register(
      TestWorkflowEnvironment env,
      LocalPlatform platform,
      WebhookReceiver receiver,
      Clock clock,
      Duration disableAfter) {
    Worker worker = env.newWorker(TaskQueues.PLATFORM);
    worker.registerWorkflowImplementationTypes(WebhookDeliveryWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new WebhookSendActivitiesImpl(
            platform.workerContext().getBean(JdbcTemplate.class),
            new OutboundHttp(
                OutboundGuard.allowing("127.0.0.1:" + receiver.port()),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10)),
            platform.apiContext().getBean(SecretBox.class),
            null,
            LocalPlatformExtension.WEBHOOK_SECRET,
            disableAfter,
            clock,
            new ObjectMapper(),
            dev.shipyard.outbound.OutboundBreakers.withDefaults()));
    env.start();
  }

  private static WebhookDelivery deliver(
      TestWorkflowEnvironment env, UUID message, String webhook) {
    WebhookDispatch dispatch =
        new WebhookDispatch(message.toString(), WebhookEndpoint.SUBSCRIPTION, webhook, false);
    return env.getWorkflowClient()
        .newWorkflowStub(
            WebhookDeliveryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(dispatch.workflowId(null))
                .setTaskQueue(TaskQueues.PLATFORM)
                .build())
        .deliver(dispatch);
  }

  /**
   * A deployment_completed message of {@code owner} in the outbox, already marked relayed so the
   * platform's own relay leaves it to the test's workflow.
   */
  private static UUID message(JdbcTemplate jdbc, Account owner) {
    UUID id = UUID.randomUUID();
    jdbc.update(
        "INSERT INTO webhook_outbox (id, source, event, owner_id, tenant_id, payload, relayed_at)"
            + " VALUES (?, 'deployment', 'deployment_completed', ?::uuid, ?, CAST(? AS jsonb),"
            + " now())",
        id,
        owner.id(),
        owner.tenantId(),
        "{\"deployment_id\":\""
            + UUID.randomUUID()
            + "\",\"status\":\"completed\","
            + "\"type\":\"deployment_completed\",\"timestamp\":\"2026-01-01T00:00:00Z\","
            + "\"app_name\":\"down\",\"user_id\":\""
            + owner.id()
            + "\",\"url\":null}");
    return id;
  }

  /** A stored capsule of {@code owner} whose own events (version 1) are already relayed. */
  private static String storedCapsule(LocalPlatform platform, JdbcTemplate jdbc, Account owner) {
    String name = Accounts.unique("hooked");
    StoredCapsules.store(platform, owner, name, FILES);
    String id = "cap-" + name;
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT count(*) FROM webhook_outbox WHERE capsule_id = ?"
                            + " AND relayed_at IS NULL",
                        Integer.class,
                        id)
                    == 0);
    return id;
  }

  private static String head(JdbcTemplate jdbc, String capsule) {
    return jdbc.queryForObject(
        "SELECT id FROM capsule_versions WHERE capsule_id = ? ORDER BY number DESC LIMIT 1",
        String.class,
        capsule);
  }

  private static String newVersion(
      WebTestClient api, Account owner, String capsule, String parent, String content) {
    return (String)
        Json.call(
                api,
                HttpMethod.POST,
                "/capsule/" + capsule + "/version",
                owner.accessToken(),
                Map.of(
                    "author",
                    "hooks",
                    "message",
                    "change",
                    "parent_version",
                    parent,
                    "changes",
                    List.of(Map.of("path", "app.py", "type", "modified", "size", content.length())),
                    "files",
                    List.of(Map.of("path", "app.py", "content", content))),
                201)
            .get("version_id");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> attempts(
      WebTestClient api, Account owner, String webhook) {
    return (List<Map<String, Object>>)
        Json.call(
                api,
                HttpMethod.GET,
                "/v1/webhooks/" + webhook + "/attempts",
                owner.accessToken(),
                null,
                200)
            .get("attempts");
  }

  /** The next request to {@code path}; requests to other paths (other tests' hooks) are skipped. */
  private static WebhookReceiver.Request next(WebhookReceiver receiver, String path)
      throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      WebhookReceiver.Request request =
          receiver.poll(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (request != null && request.requestLine().equals("POST " + path + " HTTP/1.1")) {
        return request;
      }
    }
    throw new AssertionError("no request to " + path + " within " + DEADLINE);
  }

  private static String otherSecret() {
    return dev.shipyard.secrets.WebhookSecrets.newSecret();
  }
}
