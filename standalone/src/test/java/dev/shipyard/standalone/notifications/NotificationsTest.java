package dev.shipyard.standalone.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.deployments.JdbcDeploymentRecordActivities;
import dev.shipyard.api.channels.DatabaseChannels;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.WsClient;
import dev.shipyard.workflows.deployments.DeploymentPhase;
import dev.shipyard.workflows.deployments.DeploymentProjection;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.Release;
import dev.shipyard.workflows.deployments.ReleaseStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code /v1/ws/notifications}, {@code /v1/ws/health} and the testing endpoints through HTTP and a
 * real WebSocket client (the JDK's). Deployment notifications are inserted with SQL, as the
 * worker's record activity does; the database announces them and the API's one listening connection
 * hears them.
 */
@ExtendWith(LocalPlatformExtension.class)
class NotificationsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private JdbcTemplate jdbc;
  private String ws;

  @BeforeEach
  void setUp(LocalPlatform platform) {
    jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    ws = platform.endpoints().apiUrl().replaceFirst("^http", "ws");
    DatabaseChannels channels = platform.apiContext().getBean(DatabaseChannels.class);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(channels::listening);
  }

  /** A deployment_status_changed row for {@code user}, as the worker writes it; its ID. */
  private long statusChanged(String user, UUID deployment, String status) {
    String payload =
        "{\"type\":\"deployment_status_changed\",\"deployment_id\":\""
            + deployment
            + "\",\"timestamp\":\""
            + Instant.now()
            + "\",\"data\":{\"status\":\""
            + status
            + "\",\"url\":\"https://demo.apps.shipyard.local\"}}";
    return jdbc.queryForObject(
        "INSERT INTO notifications (user_id, type, deployment_id, payload)"
            + " VALUES (?, 'deployment_status_changed', ?, CAST(? AS jsonb)) RETURNING id",
        Long.class,
        UUID.fromString(user),
        deployment,
        payload);
  }

  private static Map<String, String> bearer(Account account) {
    return Map.of("Authorization", "Bearer " + account.accessToken());
  }

  private static long id(Map<String, Object> message) {
    return ((Number) message.get("id")).longValue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOwnersRowsArriveWithTheHeaderAnotherUsersDoNot(WebTestClient api) {
    Account owner = Accounts.register(api, "nt-owner");
    Account other = Accounts.register(api, "nt-other");
    UUID deployment = UUID.randomUUID();
    long before = statusChanged(owner.id(), deployment, "pending"); // before connecting

    try (WsClient socket = WsClient.connect(ws + "/v1/ws/notifications", bearer(owner))) {
      Map<String, Object> connected = socket.next(WAIT);
      assertThat(connected)
          .containsEntry("type", "connected")
          .containsEntry("user_id", owner.id())
          .containsKey("timestamp");
      // Without after=, the socket starts after the newest row: the earlier one is not resent.
      assertThat(((Number) connected.get("last_id")).longValue()).isEqualTo(before);

      statusChanged(other.id(), UUID.randomUUID(), "running"); // not the owner's
      long mine = statusChanged(owner.id(), deployment, "running");
      Map<String, Object> message = socket.next(WAIT);
      assertThat(id(message)).isEqualTo(mine);
      assertThat(message)
          .containsEntry("type", "deployment_status_changed")
          .containsEntry("deployment_id", deployment.toString())
          .containsKey("timestamp");
      assertThat((Map<String, Object>) message.get("data"))
          .containsEntry("status", "running")
          .containsEntry("url", "https://demo.apps.shipyard.local");

      // The test endpoint's notification arrives like any other.
      Map<String, Object> sent =
          Json.call(api, HttpMethod.GET, "/v1/notifications/test", owner.accessToken(), null, 200);
      assertThat(sent).containsEntry("message", "Test notification sent");
      Map<String, Object> test = socket.next(WAIT);
      assertThat(id(test)).isEqualTo(((Number) sent.get("notification_id")).longValue());
      assertThat(test).containsEntry("type", "test_notification").containsKey("timestamp");
      assertThat(socket.messages).isEmpty(); // the other user's row never came
    }
  }

  @Test
  void theQueryTokenWorksToo_andWithoutACredentialTheUpgradeIs401(WebTestClient api)
      throws Exception {
    Account owner = Accounts.register(api, "nt-query");
    String url = ws + "/v1/ws/notifications";

    assertThat(WsClient.refusal(url)).isEqualTo(401);
    assertThat(WsClient.refusal(url + "?token=not-a-token")).isEqualTo(401);
    assertThat(WsClient.refusal(url, Map.of("Authorization", "Bearer not-a-token"))).isEqualTo(401);
    assertThat(WsClient.refusal(url + "?after=-3&token=" + owner.accessToken())).isEqualTo(400);
    HttpResponse<String> plain =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url.replaceFirst("^ws", "http"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(401);
    assertThat(plain.body()).startsWith("{\"error\":{\"message\":");

    try (WsClient socket = WsClient.connect(url + "?token=" + owner.accessToken())) {
      assertThat(socket.next(WAIT)).containsEntry("type", "connected");
      long mine = statusChanged(owner.id(), UUID.randomUUID(), "deploying");
      assertThat(id(socket.next(WAIT))).isEqualTo(mine);
    }
    // The subprotocol pair, as for the task sockets.
    try (WsClient socket = WsClient.connect(url, "bearer", owner.accessToken())) {
      assertThat(socket.subprotocol()).isEqualTo("bearer");
      assertThat(socket.next(WAIT)).containsEntry("type", "connected");
    }
  }

  @Test
  void afterReplaysWhatWasMissedExactlyOnceThenLiveOnesFollow(WebTestClient api) {
    Account owner = Accounts.register(api, "nt-after");
    long seen;
    try (WsClient socket = WsClient.connect(ws + "/v1/ws/notifications", bearer(owner))) {
      socket.next(WAIT); // connected
      statusChanged(owner.id(), UUID.randomUUID(), "pending");
      seen = id(socket.next(WAIT));
    }
    List<Long> missed = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      missed.add(statusChanged(owner.id(), UUID.randomUUID(), "running"));
    }

    try (WsClient socket =
        WsClient.connect(ws + "/v1/ws/notifications?after=" + seen, bearer(owner))) {
      assertThat(socket.next(WAIT))
          .containsEntry("type", "connected")
          .containsEntry("last_id", (int) seen);
      List<Long> got = new ArrayList<>();
      for (int i = 0; i < missed.size(); i++) {
        got.add(id(socket.next(WAIT)));
      }
      assertThat(got).isEqualTo(missed);
      long live = statusChanged(owner.id(), UUID.randomUUID(), "stopped");
      assertThat(id(socket.next(WAIT))).isEqualTo(live);
      assertThat(socket.messages).isEmpty();
    }

    // after=0: everything the user has, in ID order, once.
    try (WsClient socket = WsClient.connect(ws + "/v1/ws/notifications?after=0", bearer(owner))) {
      socket.next(WAIT); // connected
      List<Long> all = new ArrayList<>();
      for (int i = 0; i < missed.size() + 2; i++) {
        all.add(id(socket.next(WAIT)));
      }
      assertThat(all).isSorted().doesNotHaveDuplicates().contains(seen).containsAll(missed);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void statsCountConnectionsMessagesAndStoredRows(LocalPlatform platform, WebTestClient api) {
    Account owner = Accounts.register(api, "nt-stats");
    Map<String, Object> before =
        Json.call(api, HttpMethod.GET, "/v1/notifications/stats", owner.accessToken(), null, 200);
    long sentBefore = ((Number) before.get("messages_sent")).longValue();
    assertThat((Map<String, Object>) before.get("stored")).containsEntry("total", 0);

    try (WsClient socket = WsClient.connect(ws + "/v1/ws/notifications", bearer(owner))) {
      socket.next(WAIT); // connected
      Json.call(api, HttpMethod.GET, "/v1/notifications/test", owner.accessToken(), null, 200);
      Json.call(api, HttpMethod.GET, "/v1/notifications/test", owner.accessToken(), null, 200);
      statusChanged(owner.id(), UUID.randomUUID(), "running");
      for (int i = 0; i < 3; i++) {
        socket.next(WAIT);
      }
      Map<String, Object> stats =
          Json.call(api, HttpMethod.GET, "/v1/notifications/stats", owner.accessToken(), null, 200);
      assertThat(((Number) stats.get("connections")).intValue()).isPositive();
      assertThat(((Number) stats.get("users_connected")).intValue()).isPositive();
      assertThat(stats).containsEntry("listening", true).containsKey("since");
      // Other tests may send meanwhile: at least these three.
      assertThat(((Number) stats.get("messages_sent")).longValue())
          .isGreaterThanOrEqualTo(sentBefore + 3);
      assertThat((Map<String, Object>) stats.get("messages_by_type"))
          .containsKeys("test_notification", "deployment_status_changed");
      assertThat((Map<String, Object>) stats.get("stored"))
          .containsEntry("total", 3)
          .containsEntry("by_type", Map.of("deployment_status_changed", 1, "test_notification", 2));
    }
    Json.call(api, HttpMethod.GET, "/v1/notifications/stats", null, null, 401);
    Json.call(api, HttpMethod.GET, "/v1/notifications/test", null, null, 401);
  }

  @Test
  void bothApiInstancesDeliver_andTheHealthSocketReportsAndAnswersPings(
      LocalPlatform platform, WebTestClient api) {
    ConfigurableApplicationContext other =
        platform.startAnotherApi(Map.of("shipyard.websocket.health-interval", "1s"));
    try {
      DatabaseChannels channelsOfB = other.getBean(DatabaseChannels.class);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(channelsOfB::listening);
      String b = "ws://127.0.0.1:" + LocalPlatform.httpPort(other);
      Account owner = Accounts.register(api, "nt-replicas");

      try (WsClient onA = WsClient.connect(ws + "/v1/ws/notifications", bearer(owner));
          WsClient onB = WsClient.connect(b + "/v1/ws/notifications", bearer(owner))) {
        onA.next(WAIT);
        onB.next(WAIT);
        long id = statusChanged(owner.id(), UUID.randomUUID(), "running");
        assertThat(id(onA.next(WAIT))).isEqualTo(id);
        assertThat(id(onB.next(WAIT))).isEqualTo(id);
      }

      try (WsClient health = WsClient.connect(b + "/v1/ws/health")) {
        Map<String, Object> first = health.next(WAIT);
        assertThat(first)
            .containsEntry("type", "health")
            .containsEntry("status", "healthy")
            .containsEntry("service", "shipyard")
            .containsKey("timestamp");
        // Every second on this instance.
        assertThat(health.next(WAIT)).containsEntry("type", "health");
        health.send("ping");
        Map<String, Object> next = health.next(WAIT);
        while ("health".equals(next.get("type"))) {
          next = health.next(WAIT);
        }
        assertThat(next).containsEntry("type", "pong").containsKey("timestamp");
      }
    } finally {
      other.close();
    }
  }

  @Test
  void aLostListenerReconnectsAndSocketsGetWhatWasWrittenMeanwhile(
      LocalPlatform platform, WebTestClient api) {
    DatabaseChannels channels = platform.apiContext().getBean(DatabaseChannels.class);
    Account owner = Accounts.register(api, "nt-relisten");
    try (WsClient socket = WsClient.connect(ws + "/v1/ws/notifications", bearer(owner))) {
      socket.next(WAIT); // connected
      int pid = channels.backendPid();
      jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid);
      Awaitility.await().atMost(WAIT).until(() -> !channels.listening());
      long meanwhile = statusChanged(owner.id(), UUID.randomUUID(), "failed");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(channels::listening);
      assertThat(channels.backendPid()).isNotEqualTo(pid);
      assertThat(id(socket.next(WAIT))).isEqualTo(meanwhile);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theWorkersRecordOfEachPhaseChangeReachesTheOwnersSocket(
      LocalPlatform platform, WebTestClient api) {
    JdbcDeploymentRecordActivities record =
        platform.workerContext().getBean(JdbcDeploymentRecordActivities.class);
    Account owner = Accounts.register(api, "nt-record");
    UUID id = UUID.randomUUID();
    DeploymentTarget target =
        new DeploymentTarget(id.toString(), owner.id(), "shop", "shipyard-" + owner.id(), "shop");
    DeploymentSpec spec =
        new DeploymentSpec("registry.example/shop:1.0", 8080, 1, null, List.of(), 1, false, null);
    jdbc.update(
        "INSERT INTO deployments (id, tenant_id, owner_id, app_name, workflow_id, namespace,"
            + " object_name, image, port, replicas, url) VALUES (?, ?, ?, 'shop', ?, ?, 'shop',"
            + " ?, 8080, 1, 'https://shop.apps.shipyard.local')",
        id,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        target.workflowId(),
        target.namespace(),
        spec.image());
    Release release =
        new Release(
            1, "create", spec, null, owner.username(), 1_000L, ReleaseStatus.ROLLING_OUT, null);

    try (WsClient socket = WsClient.connect(ws + "/v1/ws/notifications", bearer(owner))) {
      socket.next(WAIT); // connected
      long sequence = 0;
      for (DeploymentPhase phase : List.of(DeploymentPhase.DEPLOYING, DeploymentPhase.RUNNING)) {
        record.record(
            new DeploymentProjection(
                target,
                owner.tenantId(),
                phase,
                null,
                1,
                phase == DeploymentPhase.RUNNING ? 1 : 0,
                spec.image(),
                null,
                null,
                List.of(release),
                "https://shop.apps.shipyard.local",
                phase.value(),
                ++sequence));
        Map<String, Object> message = socket.next(WAIT);
        assertThat(message)
            .containsEntry("type", "deployment_status_changed")
            .containsEntry("deployment_id", id.toString())
            .containsKey("timestamp");
        assertThat((Map<String, Object>) message.get("data"))
            .containsEntry("status", phase.value())
            .containsEntry("url", "https://shop.apps.shipyard.local");
      }
    }
  }
}
