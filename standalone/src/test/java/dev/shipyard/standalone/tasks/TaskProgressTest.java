package dev.shipyard.standalone.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.tasks.TaskEventWriter;
import dev.shipyard.api.tasks.TaskEventFanout;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * The read side of task progress through HTTP and a real WebSocket client (the JDK's): events are
 * inserted into {@code task_events} with SQL, as the worker's writer does, and announced by the
 * database's trigger; the API's fan-out hears them and each watcher reads them from the table.
 */
@ExtendWith(LocalPlatformExtension.class)
class TaskProgressTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private JdbcTemplate jdbc;
  private String wsBase;

  @BeforeEach
  void setUp(LocalPlatform platform) {
    jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    wsBase = wsBase(platform.endpoints().apiUrl());
    TaskEventFanout fanout = platform.apiContext().getBean(TaskEventFanout.class);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(fanout::listening);
  }

  private static String wsBase(String httpUrl) {
    return httpUrl.replaceFirst("^http", "ws");
  }

  private UUID build(Account owner) {
    UUID id = UUID.randomUUID();
    jdbc.update(
        "INSERT INTO builds (task_id, tenant_id, owner_id, created_by, project_name, goal,"
            + " workflow_id) VALUES (?, ?, ?, ?, 'demo', 'a goal', ?)",
        id,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        owner.username(),
        "build-" + id);
    return id;
  }

  private UUID analysis(Account owner) {
    UUID id = UUID.randomUUID();
    jdbc.update(
        "INSERT INTO analyses (analysis_id, tenant_id, owner_id, performed_by, project_name,"
            + " capsule_id, analysis_types, workflow_id)"
            + " VALUES (?, ?, ?, ?, 'demo', 'cap-x', '{quality}', ?)",
        id,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        owner.username(),
        "analysis-" + id);
    return id;
  }

  private void progress(UUID task, String kind, long seq, int percent) {
    jdbc.update(
        "INSERT INTO task_events (task_id, seq, kind, type, status, progress, step, message, data)"
            + " VALUES (?, ?, ?, 'progress', 'running', ?, ?, ?, CAST(? AS jsonb))",
        task,
        seq,
        kind,
        percent,
        "Step " + seq,
        "working on " + seq,
        "{\"files_created\": " + seq + "}");
  }

  private void completion(UUID task, String kind, long seq) {
    jdbc.update(
        "INSERT INTO task_events (task_id, seq, kind, type, status, progress, step, data)"
            + " VALUES (?, ?, ?, 'completion', 'completed', 100, 'Done', CAST(? AS jsonb))",
        task,
        seq,
        kind,
        "{\"generated_files\": [\"app.py\"], \"tests_passed\": 12}");
  }

  private String url(String kind, UUID task, String token, Long after) {
    String url = wsBase + "/api/ws/" + kind + "/" + task;
    List<String> query = new ArrayList<>();
    if (token != null) {
      query.add("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }
    if (after != null) {
      query.add("after=" + after);
    }
    return query.isEmpty() ? url : url + "?" + String.join("&", query);
  }

  private static long seq(Map<String, Object> message) {
    return ((Number) message.get("seq")).longValue();
  }

  private static List<Long> seqs(List<Map<String, Object>> messages) {
    return messages.stream().map(TaskProgressTest::seq).toList();
  }

  @Test
  void aClientGetsConnectedThenProgressInSeqOrderThenCompletionAndTheSocketCloses(
      WebTestClient api) {
    Account owner = Accounts.register(api, "ws-owner");
    UUID task = build(owner);

    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), null))) {
      Map<String, Object> connected = ws.next(WAIT);
      assertThat(connected)
          .containsEntry("type", "connected")
          .containsEntry("task_id", task.toString())
          .containsKey("timestamp");
      // No event yet: the current state says initializing, seq 0.
      assertThat(ws.next(WAIT))
          .containsEntry("type", "progress")
          .containsEntry("status", "initializing")
          .containsEntry("seq", 0);

      for (int seq = 1; seq <= 3; seq++) {
        progress(task, "build", seq, seq * 25);
        Map<String, Object> message = ws.next(WAIT);
        assertThat(message)
            .containsEntry("type", "progress")
            .containsEntry("seq", seq)
            .containsEntry("status", "running")
            .containsEntry("progress", seq * 25)
            .containsKey("timestamp");
        assertThat(message.get("data"))
            .isEqualTo(
                Map.of(
                    "current_step", "Step " + seq,
                    "message", "working on " + seq,
                    "files_created", seq));
      }
      completion(task, "build", 4);
      Map<String, Object> done = ws.next(WAIT);
      assertThat(done)
          .containsEntry("type", "completion")
          .containsEntry("seq", 4)
          .containsEntry("status", "completed")
          .containsEntry(
              "results", Map.of("generated_files", List.of("app.py"), "tests_passed", 12));
      assertThat(ws.closeCode(WAIT)).isEqualTo(1000);
    }
  }

  @Test
  void aLateClientGetsTheCurrentStateFirstAndAnEndedTaskIsClosedAfterIt(WebTestClient api) {
    Account owner = Accounts.register(api, "ws-late");
    UUID task = build(owner);
    progress(task, "build", 1, 10);
    progress(task, "build", 2, 40);

    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), null))) {
      assertThat(ws.next(WAIT)).containsEntry("type", "connected");
      assertThat(ws.next(WAIT))
          .containsEntry("type", "progress")
          .containsEntry("seq", 2)
          .containsEntry("progress", 40);
    }

    completion(task, "build", 3);
    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), null))) {
      assertThat(ws.next(WAIT)).containsEntry("type", "connected");
      assertThat(ws.next(WAIT)).containsEntry("type", "completion").containsEntry("seq", 3);
      assertThat(ws.closeCode(WAIT)).isEqualTo(1000);
      assertThat(ws.messages).isEmpty();
    }
  }

  @Test
  void aClientThatReconnectsWithAfterGetsEveryMissedEventExactlyOnce(WebTestClient api) {
    Account owner = Accounts.register(api, "ws-resume");
    UUID task = build(owner);
    progress(task, "build", 1, 5);
    long seen;
    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), null))) {
      ws.next(WAIT); // connected
      assertThat(seq(ws.next(WAIT))).isEqualTo(1);
      progress(task, "build", 2, 10);
      seen = seq(ws.next(WAIT));
      assertThat(seen).isEqualTo(2);
    }
    // Missed while disconnected: many, quickly (a live client would get them coalesced).
    for (int seq = 3; seq <= 40; seq++) {
      progress(task, "build", seq, seq);
    }

    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), seen))) {
      assertThat(ws.next(WAIT)).containsEntry("type", "connected");
      List<Map<String, Object>> replayed = new ArrayList<>();
      for (int i = 3; i <= 40; i++) {
        replayed.add(ws.next(WAIT));
      }
      completion(task, "build", 41);
      List<Map<String, Object>> rest = ws.untilEnd(WAIT);
      replayed.addAll(rest);
      List<Long> expected = new ArrayList<>();
      for (long s = 3; s <= 41; s++) {
        expected.add(s);
      }
      assertThat(seqs(replayed)).isEqualTo(expected);
      assertThat(ws.closeCode(WAIT)).isEqualTo(1000);
      assertThat(ws.messages).isEmpty();
    }

    // Up to date with a task that has ended: connected, then closed normally.
    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), 41L))) {
      assertThat(ws.next(WAIT)).containsEntry("type", "connected");
      assertThat(ws.closeCode(WAIT)).isEqualTo(1000);
      assertThat(ws.messages).isEmpty();
    }
  }

  @Test
  void theTokenCanComeAsTheBearerSubprotocol(WebTestClient api) {
    Account owner = Accounts.register(api, "ws-subprotocol");
    UUID task = analysis(owner);
    progress(task, "analysis", 1, 50);

    try (WsClient ws =
        WsClient.connect(url("analysis", task, null, null), "bearer", owner.accessToken())) {
      assertThat(ws.subprotocol()).isEqualTo("bearer");
      assertThat(ws.next(WAIT))
          .containsEntry("type", "connected")
          .containsEntry("message", "Connected to analysis updates");
      assertThat(ws.next(WAIT)).containsEntry("type", "progress").containsEntry("seq", 1);
    }
  }

  @Test
  void withoutAValidTokenTheUpgradeIsRefusedWith401InTheBuildsShape(WebTestClient api)
      throws Exception {
    Account owner = Accounts.register(api, "ws-noauth");
    UUID task = build(owner);

    assertThat(WsClient.refusal(url("build", task, null, null))).isEqualTo(401);
    assertThat(WsClient.refusal(url("build", task, "not-a-token", null))).isEqualTo(401);
    assertThat(WsClient.refusal(url("build", task, null, null), "bearer", "not-a-token"))
        .isEqualTo(401);

    HttpResponse<String> plain =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(url("build", task, null, null).replaceFirst("^ws", "http")))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(401);
    assertThat(plain.body())
        .contains("\"error\":\"unauthorized\"")
        .contains("\"status_code\":401")
        .contains("\"detail\"")
        .contains("\"timestamp\"");
  }

  @Test
  void anotherUsersTaskIsRefusedWith404AndAnAdminOfTheTenantMayWatch(WebTestClient api) {
    Account owner = Accounts.register(api, "ws-mine");
    Account stranger = Accounts.register(api, "ws-stranger");
    UUID task = build(owner);
    progress(task, "build", 1, 30);

    assertThat(WsClient.refusal(url("build", task, stranger.accessToken(), null))).isEqualTo(404);
    assertThat(WsClient.refusal(url("build", UUID.randomUUID(), owner.accessToken(), null)))
        .isEqualTo(404);
    // A build's ID is not an analysis.
    assertThat(WsClient.refusal(url("analysis", task, owner.accessToken(), null))).isEqualTo(404);
    assertThat(WsClient.refusal(url("build", task, owner.accessToken(), -1L))).isEqualTo(400);

    Account admin = Accounts.operator(api);
    try (WsClient ws = WsClient.connect(url("build", task, admin.accessToken(), null))) {
      assertThat(ws.next(WAIT)).containsEntry("type", "connected");
      assertThat(ws.next(WAIT)).containsEntry("seq", 1);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theEventsEndpointPagesWithAfter(WebTestClient api) {
    Account owner = Accounts.register(api, "events-owner");
    Account stranger = Accounts.register(api, "events-stranger");
    UUID task = build(owner);
    for (int seq = 1; seq <= 4; seq++) {
      progress(task, "build", seq, seq * 20);
    }
    completion(task, "build", 5);
    String base = "/api/build/" + task + "/events";

    Map<String, Object> first =
        Json.call(api, HttpMethod.GET, base + "?limit=2", owner.accessToken(), null, 200);
    assertThat(first)
        .containsEntry("task_id", task.toString())
        .containsEntry("next_after", 2)
        .containsEntry("has_more", true);
    List<Map<String, Object>> events = (List<Map<String, Object>>) first.get("events");
    assertThat(seqs(events)).containsExactly(1L, 2L);
    assertThat(events.get(0))
        .containsEntry("type", "progress")
        .containsEntry("status", "running")
        .containsEntry("progress", 20)
        .containsEntry("step", "Step 1")
        .containsEntry("data", Map.of("files_created", 1));

    Map<String, Object> second =
        Json.call(api, HttpMethod.GET, base + "?after=2&limit=2", owner.accessToken(), null, 200);
    assertThat(seqs((List<Map<String, Object>>) second.get("events"))).containsExactly(3L, 4L);
    Map<String, Object> last =
        Json.call(api, HttpMethod.GET, base + "?after=4", owner.accessToken(), null, 200);
    assertThat(seqs((List<Map<String, Object>>) last.get("events"))).containsExactly(5L);
    assertThat(last).containsEntry("next_after", 5).containsEntry("has_more", false);
    Map<String, Object> none =
        Json.call(api, HttpMethod.GET, base + "?after=5", owner.accessToken(), null, 200);
    assertThat((List<?>) none.get("events")).isEmpty();
    assertThat(none).containsEntry("next_after", 5);

    Map<String, Object> hidden =
        Json.call(api, HttpMethod.GET, base, stranger.accessToken(), null, 404);
    assertThat(hidden).containsEntry("error", "not_found").containsEntry("status_code", 404);
    Json.call(api, HttpMethod.GET, base, null, null, 401);
    Json.call(api, HttpMethod.GET, base + "?after=-1", owner.accessToken(), null, 400);
    Json.call(api, HttpMethod.GET, base + "?limit=0", owner.accessToken(), null, 400);
    Json.call(
        api, HttpMethod.GET, "/api/analysis/" + task + "/events", owner.accessToken(), null, 404);

    UUID analysis = analysis(owner);
    progress(analysis, "analysis", 1, 50);
    Map<String, Object> ofAnalysis =
        Json.call(
            api,
            HttpMethod.GET,
            "/api/analysis/" + analysis + "/events",
            owner.accessToken(),
            null,
            200);
    assertThat(seqs((List<Map<String, Object>>) ofAnalysis.get("events"))).containsExactly(1L);
  }

  @Test
  void eventsReachWatchersOnEveryApiInstance(LocalPlatform platform, WebTestClient api) {
    ConfigurableApplicationContext other = platform.startAnotherApi(Map.of());
    try {
      TaskEventFanout fanoutOfB = other.getBean(TaskEventFanout.class);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(fanoutOfB::listening);
      String b = "ws://127.0.0.1:" + LocalPlatform.httpPort(other);
      Account owner = Accounts.register(api, "ws-replicas");
      UUID task = build(owner);
      String path = "/api/ws/build/" + task + "?token=" + owner.accessToken();

      try (WsClient onA = WsClient.connect(wsBase + path);
          WsClient onB = WsClient.connect(b + path)) {
        for (WsClient ws : List.of(onA, onB)) {
          assertThat(ws.next(WAIT)).containsEntry("type", "connected");
          assertThat(ws.next(WAIT)).containsEntry("seq", 0);
        }
        Awaitility.await().atMost(WAIT).until(() -> fanoutOfB.watchers() >= 1);
        progress(task, "build", 1, 50);
        completion(task, "build", 2);
        for (WsClient ws : List.of(onA, onB)) {
          List<Map<String, Object>> got = ws.untilEnd(WAIT);
          assertThat(seqs(got)).containsExactly(1L, 2L);
        }
      }
      assertThat(fanoutOfB.notificationsReceived()).isPositive();
    } finally {
      other.close();
    }
  }

  @Test
  void aLostListenerReconnectsAndWatchersReadWhatWasWrittenMeanwhile(
      LocalPlatform platform, WebTestClient api) {
    TaskEventFanout fanout = platform.apiContext().getBean(TaskEventFanout.class);
    Account owner = Accounts.register(api, "ws-relisten");
    UUID task = build(owner);

    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), null))) {
      ws.next(WAIT); // connected
      assertThat(ws.next(WAIT)).containsEntry("seq", 0);
      int pid = fanout.backendPid();
      jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid);
      Awaitility.await().atMost(WAIT).until(() -> !fanout.listening());
      // Written while nobody listens: no notification reaches this instance.
      progress(task, "build", 1, 50);
      completion(task, "build", 2);

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(fanout::listening);
      assertThat(fanout.backendPid()).isNotEqualTo(pid);
      assertThat(seqs(ws.untilEnd(WAIT))).containsExactly(1L, 2L);
    }
  }

  @Test
  void theOpenApiDocumentDescribesTheEventsEndpointsButNoWebSocket(WebTestClient api) {
    String document =
        api.get()
            .uri("/v3/api-docs")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(document)
        .contains("\"/api/build/{task_id}/events\"")
        .contains("\"/api/analysis/{analysis_id}/events\"")
        .contains("\"TaskEvents\"")
        .contains("\"next_after\"")
        .doesNotContain("/api/ws/");
  }

  @Test
  void beforeAnyEventTheStateComesFromTheRunAndAnEndedRunIsReportedAndClosed(WebTestClient api) {
    Account owner = Accounts.register(api, "ws-run");
    UUID task = build(owner);
    jdbc.update(
        "INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase, error,"
            + " sequence) VALUES (?, 'build', ?, ?, 'failed', 'building', ?, 3)",
        "build-" + task,
        owner.tenantId(),
        owner.id(),
        "maven not found");

    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), null))) {
      assertThat(ws.next(WAIT)).containsEntry("type", "connected");
      assertThat(ws.next(WAIT))
          .containsEntry("type", "error")
          .containsEntry("status", "failed")
          .containsEntry("error", "maven not found")
          .containsEntry("seq", 0);
      assertThat(ws.closeCode(WAIT)).isEqualTo(1000);
    }
  }

  @Test
  void anApiKeyWithoutBuildReadIsRefusedWith403(WebTestClient api) {
    Account owner = Accounts.register(api, "ws-scoped");
    UUID task = build(owner);
    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/api-keys",
            owner.accessToken(),
            Map.of("name", "capsules only", "scopes", List.of("capsule:read")),
            201);
    String key = (String) created.get("key");

    assertThat(WsClient.refusal(url("build", task, key, null))).isEqualTo(403);
    Json.call(api, HttpMethod.GET, "/api/build/" + task + "/events", key, null, 403);
  }

  @Test
  void eventsOfTheWorkersWriterReachTheClientInTheDocumentedShape(WebTestClient api) {
    TaskEventWriter writer = new TaskEventWriter(jdbc, new ObjectMapper());
    Account owner = Accounts.register(api, "ws-writer");
    UUID task = analysis(owner);
    String id = task.toString();

    try (WsClient ws = WsClient.connect(url("analysis", task, owner.accessToken(), null))) {
      ws.next(WAIT); // connected
      assertThat(ws.next(WAIT)).containsEntry("status", "initializing");
      writer.progressOf("analysis", id, 0, 50).report("Running PMD", 50, "12 files");
      Map<String, Object> progress = ws.next(WAIT);
      assertThat(progress)
          .containsEntry("type", "progress")
          .containsEntry("seq", 1)
          .containsEntry("progress", 25);
      assertThat(progress.get("data"))
          .isEqualTo(Map.of("current_step", "Running PMD", "message", "12 files"));
      writer.append(
          new dev.shipyard.workflows.tasks.TaskEvent(
              id,
              "analysis",
              "error",
              "failed",
              25,
              "Running PMD",
              "PMD crashed",
              Map.of("error", "PMD crashed: out of memory")));
      assertThat(ws.next(WAIT))
          .containsEntry("type", "error")
          .containsEntry("seq", 2)
          .containsEntry("status", "failed")
          .containsEntry("error", "PMD crashed: out of memory");
      assertThat(ws.closeCode(WAIT)).isEqualTo(1000);
    }
  }

  @Test
  void progressIsCoalescedToAboutTenPerSecondAndTheLastAlwaysArrives(WebTestClient api) {
    Account owner = Accounts.register(api, "ws-coalesce");
    UUID task = build(owner);

    try (WsClient ws = WsClient.connect(url("build", task, owner.accessToken(), null))) {
      ws.next(WAIT); // connected
      assertThat(ws.next(WAIT)).containsEntry("seq", 0); // initializing
      long start = System.nanoTime();
      for (int seq = 1; seq <= 200; seq++) {
        progress(task, "build", seq, seq / 2);
      }
      completion(task, "build", 201);
      List<Map<String, Object>> got = ws.untilEnd(Duration.ofSeconds(30));
      double seconds = (System.nanoTime() - start) / 1e9;

      List<Map<String, Object>> progress =
          got.stream().filter(m -> "progress".equals(m.get("type"))).toList();
      // At most one per 100 ms, plus the first at once and the flushed last one.
      assertThat(progress.size())
          .as("progress messages for 200 events in %.2f s", seconds)
          .isLessThanOrEqualTo((int) Math.floor(seconds * 10) + 3)
          .isLessThan(200);
      assertThat(seq(progress.get(progress.size() - 1))).isEqualTo(200);
      assertThat(seqs(got)).isSorted().doesNotHaveDuplicates();
      assertThat(got.get(got.size() - 1)).containsEntry("type", "completion");
    }
  }
}
