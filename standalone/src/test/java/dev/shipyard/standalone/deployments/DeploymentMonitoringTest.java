package dev.shipyard.standalone.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.WsClient;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Logs and metrics of a deployment, read by the API from a cluster: fabric8's mock API server in
 * CRUD mode (the pods) with a small kubelet of the test's own for pod logs (honouring {@code
 * tailLines}, {@code sinceTime} to the second and {@code timestamps}) and for {@code
 * metrics.k8s.io} (served or 404), reached through a kubeconfig file by a second API instance. The
 * deployment's row is inserted with SQL, as the deployments API does.
 */
@ExtendWith(LocalPlatformExtension.class)
class DeploymentMonitoringTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String NAMESPACE = "shipyard-monitoring";

  private static Kubelet kubelet;
  private static KubernetesMockServer server;
  private static KubernetesClient cluster;
  private static ConfigurableApplicationContext api;
  private static WebTestClient client;
  private static String base;

  /** Answers pod logs and metrics.k8s.io; everything else is the CRUD server's. */
  static final class Kubelet extends KubernetesCrudDispatcher {
    final Map<String, List<String>> logs = new ConcurrentHashMap<>();
    volatile String metrics; // null: metrics.k8s.io is not served (404, or metricsStatus)
    volatile int metricsStatus = 404;
    final List<String> metricsPaths = new CopyOnWriteArrayList<>();

    void log(String pod, Instant at, String message) {
      logs.computeIfAbsent(pod, p -> new CopyOnWriteArrayList<>()).add(at + " " + message);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      URI uri = URI.create("http://kubelet" + request.getPath());
      String path = uri.getPath();
      if (path.startsWith("/apis/metrics.k8s.io/")) {
        metricsPaths.add(request.getPath());
        return metrics == null
            ? new MockResponse()
                .setResponseCode(metricsStatus)
                .setBody("{\"kind\":\"Status\",\"code\":" + metricsStatus + "}")
            : new MockResponse().setResponseCode(200).setBody(metrics);
      }
      if (path.matches("/api/v1/namespaces/[^/]+/pods/[^/]+/log")) {
        String pod = path.split("/")[6];
        Map<String, String> query = query(uri.getRawQuery());
        List<String> lines = new ArrayList<>(logs.getOrDefault(pod, List.of()));
        if (query.containsKey("sinceTime")) {
          Instant since = Instant.parse(query.get("sinceTime")).truncatedTo(ChronoUnit.SECONDS);
          lines.removeIf(l -> Instant.parse(l.substring(0, l.indexOf(' '))).isBefore(since));
        }
        if (query.containsKey("tailLines")) {
          int tail = Integer.parseInt(query.get("tailLines"));
          lines = lines.subList(Math.max(0, lines.size() - tail), lines.size());
        }
        if (!"true".equals(query.get("timestamps"))) {
          lines = lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        }
        StringBuilder body = new StringBuilder();
        lines.forEach(l -> body.append(l).append('\n'));
        return new MockResponse().setResponseCode(200).setBody(body.toString());
      }
      return super.dispatch(request);
    }

    private static Map<String, String> query(String raw) {
      Map<String, String> query = new HashMap<>();
      if (raw != null) {
        for (String pair : raw.split("&")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            query.put(
                pair.substring(0, eq),
                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
          }
        }
      }
      return query;
    }
  }

  @BeforeAll
  static void cluster(LocalPlatform platform, @org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    kubelet = new Kubelet();
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), kubelet, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    cluster = server.createClient();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: tester
            namespace: default
        current-context: mock
        users:
        - name: tester
          user:
            token: not-a-real-token
        """
            .formatted(cluster.getMasterUrl().toString().replaceAll("/$", "")));
    api = platform.startAnotherApi(Map.of("KUBECONFIG_PATH", kubeconfig.toString()));
    base = "http://127.0.0.1:" + LocalPlatform.httpPort(api);
    client = LocalPlatformExtension.client(base);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (server != null) {
      server.destroy();
    }
  }

  private static JdbcTemplate jdbc(LocalPlatform platform) {
    return platform.workerContext().getBean(JdbcTemplate.class);
  }

  /** A deployments row for {@code owner}, as the deployments API inserts it; its ID. */
  private static UUID deployment(LocalPlatform platform, Account owner, String app) {
    UUID id = UUID.randomUUID();
    jdbc(platform)
        .update(
            "INSERT INTO deployments (id, tenant_id, owner_id, app_name, workflow_id, namespace,"
                + " object_name, image, port, replicas, url) VALUES (?, ?, ?, ?, ?, ?, ?,"
                + " 'nginx:1.27', 8080, 2, ?)",
            id,
            owner.tenantId(),
            UUID.fromString(owner.id()),
            app,
            "deployment-" + id,
            NAMESPACE,
            app,
            "https://" + app + ".apps.shipyard.local");
    return id;
  }

  private static String pod(UUID deployment, String name) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .addToLabels(DeploymentObjects.LABEL_DEPLOYMENT, deployment.toString())
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("nginx:1.27")
            .endContainer()
            .endSpec()
            .build();
    cluster.pods().inNamespace(NAMESPACE).resource(pod).create();
    return name;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> lines(Map<String, Object> body) {
    return (List<Map<String, Object>>) body.get("logs");
  }

  @Test
  void logsMergeThePodsOldestFirstWithLevelsAndSourcesAndTailBoundsThem(
      LocalPlatform platform, WebTestClient mainApi) {
    Account owner = Accounts.register(mainApi, "logs-owner");
    Account stranger = Accounts.register(mainApi, "logs-stranger");
    UUID id = deployment(platform, owner, "logs-merge");
    String a = pod(id, "logs-merge-7d9f-a");
    String b = pod(id, "logs-merge-7d9f-b");
    UUID otherDeployment = deployment(platform, stranger, "logs-other");
    pod(otherDeployment, "logs-other-1");
    kubelet.log("logs-other-1", Instant.now(), "not yours");
    Instant t0 = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
    kubelet.log(a, t0.plusMillis(100), "Listening on port 8080");
    kubelet.log(b, t0.plusMillis(200), "Listening on port 8080");
    kubelet.log(a, t0.plusMillis(300), "WARN slow response from upstream");
    kubelet.log(b, t0.plusMillis(400), "ERROR connection refused");
    kubelet.log(a, t0.plusMillis(500), "debug: cache warmed");

    String uri = "/v1/deployments/" + id + "/logs";
    List<Map<String, Object>> all =
        lines(Json.call(client, HttpMethod.GET, uri, owner.accessToken(), null, 200));
    assertThat(all).extracting(l -> l.get("source")).containsExactly(a, b, a, b, a);
    assertThat(all)
        .extracting(l -> l.get("level"))
        .containsExactly("info", "info", "warn", "error", "debug");
    assertThat(all.get(3))
        .containsEntry("message", "ERROR connection refused")
        .containsEntry("timestamp", t0.plusMillis(400).toString());

    List<Map<String, Object>> last2 =
        lines(Json.call(client, HttpMethod.GET, uri + "?tail=2", owner.accessToken(), null, 200));
    assertThat(last2)
        .extracting(l -> l.get("message"))
        .containsExactly("ERROR connection refused", "debug: cache warmed");

    Map<String, Object> hidden =
        Json.call(client, HttpMethod.GET, uri, stranger.accessToken(), null, 404);
    assertThat(hidden).containsKey("error");
    Json.call(client, HttpMethod.GET, uri + "?tail=0", owner.accessToken(), null, 400);
    Json.call(client, HttpMethod.GET, uri + "?tail=5001", owner.accessToken(), null, 400);
    Json.call(client, HttpMethod.GET, uri, null, null, 401);
    Json.call(
        client,
        HttpMethod.GET,
        "/v1/deployments/" + UUID.randomUUID() + "/logs",
        owner.accessToken(),
        null,
        404);

    jdbc(platform).update("UPDATE deployments SET deleted_at = now() WHERE id = ?", id);
    Json.call(client, HttpMethod.GET, uri, owner.accessToken(), null, 404);
  }

  @Test
  void followStreamsServerSentEventsOncePerLineIncludingPodsThatAppearLater(
      LocalPlatform platform, WebTestClient mainApi) throws Exception {
    Account owner = Accounts.register(mainApi, "logs-follow");
    UUID id = deployment(platform, owner, "logs-follow");
    String a = pod(id, "logs-follow-a");
    Instant t0 = Instant.now().minusSeconds(5);
    // Two lines with one timestamp (as a busy process writes them): with tail=1 only the second
    // is sent, and the first, older one never comes later either.
    kubelet.log(a, t0, "first");
    kubelet.log(a, t0, "second");

    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(base + "/v1/deployments/" + id + "/logs?follow=true&tail=1"))
            .header("Authorization", "Bearer " + owner.accessToken())
            .GET()
            .build();
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    BlockingQueue<Map<String, String>> events = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readEvents(response.body(), events));
    reader.setDaemon(true);
    reader.start();
    try {
      Map<String, String> first = next(events);
      assertThat(first.get("event")).isEqualTo("log");
      assertThat(first.get("id")).isEqualTo(t0.toString());
      assertThat(first.get("data"))
          .contains("\"message\":\"second\"")
          .contains("\"source\":\"logs-follow-a\"");

      kubelet.log(a, Instant.now(), "third");
      assertThat(next(events).get("data")).contains("\"message\":\"third\"");
      String b = pod(id, "logs-follow-b"); // a scale-up: followed from its first line
      kubelet.log(b, Instant.now(), "hello from b");
      assertThat(next(events).get("data")).contains("\"message\":\"hello from b\"");
      kubelet.log(a, Instant.now(), "fourth");
      assertThat(next(events).get("data")).contains("\"message\":\"fourth\"");
      // Polled every second: nothing already sent comes again.
      long deadline = System.nanoTime() + Duration.ofMillis(2500).toNanos();
      List<Map<String, String>> extra = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        Map<String, String> e = events.poll(100, TimeUnit.MILLISECONDS);
        if (e != null) {
          extra.add(e);
        }
      }
      assertThat(extra).isEmpty();
    } finally {
      response.body().close();
    }
  }

  private static Map<String, String> next(BlockingQueue<Map<String, String>> events)
      throws InterruptedException {
    Map<String, String> event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an event within %s", WAIT).isNotNull();
    return event;
  }

  private static void readEvents(InputStream in, BlockingQueue<Map<String, String>> events) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      Map<String, String> event = new HashMap<>();
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          if (event.containsKey("data")) {
            events.add(event);
          }
          event = new HashMap<>();
        } else if (!line.startsWith(":")) {
          int colon = line.indexOf(':');
          event.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
    } catch (java.io.IOException e) {
      // the test closed the stream
    }
  }

  @Test
  void theLogStreamResumesAfterTheLastTimestampSeen(LocalPlatform platform, WebTestClient mainApi) {
    Account owner = Accounts.register(mainApi, "logs-ws");
    UUID id = deployment(platform, owner, "logs-ws");
    String a = pod(id, "logs-ws-a");
    Instant t0 = Instant.now().minusSeconds(20);
    for (int i = 0; i < 5; i++) {
      kubelet.log(a, t0.plusMillis(i * 10L), "line " + i);
    }
    String ws = base.replaceFirst("^http", "ws") + "/v1/deployments/" + id + "/logs/stream";
    String seen = t0.plusMillis(20).toString(); // the client saw lines 0, 1 and 2

    try (WsClient socket =
        WsClient.connect(
            ws + "?since=" + seen, Map.of("Authorization", "Bearer " + owner.accessToken()))) {
      assertThat(socket.next(WAIT)).containsEntry("message", "line 3").containsEntry("source", a);
      assertThat(socket.next(WAIT)).containsEntry("message", "line 4");
      kubelet.log(a, Instant.now(), "error: live line");
      assertThat(socket.next(WAIT))
          .containsEntry("message", "error: live line")
          .containsEntry("level", "error");
    }
    // Without since: the last lines first (tail), with ?token=.
    try (WsClient socket = WsClient.connect(ws + "?tail=1&token=" + owner.accessToken())) {
      assertThat(socket.next(WAIT)).containsEntry("message", "error: live line");
    }
    Account stranger = Accounts.register(mainApi, "logs-ws-stranger");
    assertThat(WsClient.refusal(ws + "?token=" + stranger.accessToken())).isEqualTo(404);
    assertThat(WsClient.refusal(ws)).isEqualTo(401);
    assertThat(WsClient.refusal(ws + "?since=yesterday&token=" + owner.accessToken()))
        .isEqualTo(400);
  }

  @Test
  @SuppressWarnings("unchecked")
  void metricsComeFromMetricsK8sIoOrAreExplicitlyUnavailable(
      LocalPlatform platform, WebTestClient mainApi) {
    Account owner = Accounts.register(mainApi, "metrics-owner");
    UUID id = deployment(platform, owner, "metrics-app");
    String uri = "/v1/deployments/" + id + "/metrics";

    kubelet.metrics = null;
    Map<String, Object> none =
        (Map<String, Object>)
            Json.call(client, HttpMethod.GET, uri, owner.accessToken(), null, 200).get("metrics");
    assertThat(none)
        .containsEntry("available", false)
        .doesNotContainKeys("cpu_millicores", "memory_bytes", "pods");
    assertThat((String) none.get("reason")).contains("does not serve metrics.k8s.io");
    // The metrics API's real path, the deployment's pods by label.
    assertThat(kubelet.metricsPaths)
        .last()
        .isEqualTo(
            "/apis/metrics.k8s.io/v1beta1/namespaces/"
                + NAMESPACE
                + "/pods?labelSelector="
                + URLEncoder.encode(
                    DeploymentObjects.LABEL_DEPLOYMENT + "=" + id, StandardCharsets.UTF_8));

    kubelet.metricsStatus = 503;
    Map<String, Object> down =
        (Map<String, Object>)
            Json.call(client, HttpMethod.GET, uri, owner.accessToken(), null, 200).get("metrics");
    assertThat(down).containsEntry("available", false);
    assertThat((String) down.get("reason")).contains("503");
    kubelet.metricsStatus = 403; // the API's service account may not read metrics.k8s.io
    Map<String, Object> refused =
        (Map<String, Object>)
            Json.call(client, HttpMethod.GET, uri, owner.accessToken(), null, 200).get("metrics");
    assertThat(refused).containsEntry("available", false);
    assertThat((String) refused.get("reason")).contains("403").contains("pods.metrics.k8s.io");
    kubelet.metricsStatus = 404;

    kubelet.metrics =
        """
        {"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[
         {"metadata":{"name":"metrics-app-b","namespace":"%1$s"},"timestamp":"2026-01-01T00:00:00Z",
          "window":"30s","containers":[{"name":"app","usage":{"cpu":"250m","memory":"64Mi"}}]},
         {"metadata":{"name":"metrics-app-a","namespace":"%1$s"},"timestamp":"2026-01-01T00:00:00Z",
          "window":"30s","containers":[{"name":"app","usage":{"cpu":"1500000n","memory":"1Gi"}},
          {"name":"sidecar","usage":{"cpu":"0.1","memory":"1000Ki"}}]}]}
        """
            .formatted(NAMESPACE);
    Map<String, Object> real =
        (Map<String, Object>)
            Json.call(client, HttpMethod.GET, uri, owner.accessToken(), null, 200).get("metrics");
    assertThat(real)
        .containsEntry("available", true)
        .containsEntry("source", "metrics.k8s.io")
        .containsKey("at")
        .doesNotContainKey("reason");
    // a: 1.5m + 100m = 101.5 -> 102 millicores, 1 GiB + 1,024,000 B; b: 250m, 64 MiB.
    assertThat((List<Map<String, Object>>) real.get("pods"))
        .containsExactly(
            Map.of("name", "metrics-app-a", "cpu_millicores", 102, "memory_bytes", 1074765824),
            Map.of("name", "metrics-app-b", "cpu_millicores", 250, "memory_bytes", 67108864));
    assertThat(((Number) real.get("cpu_millicores")).longValue()).isEqualTo(352);
    assertThat(((Number) real.get("memory_bytes")).longValue()).isEqualTo(1141874688L);
    kubelet.metrics = null;
  }

  @Test
  void withoutAClusterLogsAndMetricsAnswer503NamingKubeconfigPath(
      LocalPlatform platform, WebTestClient mainApi) {
    ConfigurableApplicationContext none =
        platform.startAnotherApi(
            Map.of("KUBECONFIG_PATH", "", "SHIPYARD_SIMULATED_CLUSTER_URL", ""));
    try {
      WebTestClient noCluster =
          LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(none));
      Account owner = Accounts.register(mainApi, "logs-nocluster");
      UUID id = deployment(platform, owner, "no-cluster");
      for (String what : List.of("logs", "metrics")) {
        Map<String, Object> body =
            Json.call(
                noCluster,
                HttpMethod.GET,
                "/v1/deployments/" + id + "/" + what,
                owner.accessToken(),
                null,
                503);
        assertThat(body.toString()).contains("KUBECONFIG_PATH");
      }
      String ws = "ws://127.0.0.1:" + LocalPlatform.httpPort(none);
      assertThat(
              WsClient.refusal(
                  ws + "/v1/deployments/" + id + "/logs/stream?token=" + owner.accessToken()))
          .isEqualTo(503);
    } finally {
      none.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void onTheSimulatedClusterLogsComeBackThroughHttpAndTheSocketAndMetricsSaySimulated(
      LocalPlatform platform, WebTestClient mainApi) {
    // The shared platform's own API, on its simulated cluster: a Deployment whose pods carry the
    // deployment's label gets pods and log lines from the simulated controller.
    KubernetesClient simulated = platform.cluster().client();
    Account owner = Accounts.register(mainApi, "logs-sim");
    UUID id = UUID.randomUUID();
    String ns = "sim-logs-" + id.toString().substring(0, 8);
    simulated
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    simulated
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .addToMatchLabels(DeploymentObjects.LABEL_DEPLOYMENT, id.toString())
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels(DeploymentObjects.LABEL_DEPLOYMENT, id.toString())
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("nginx:1.27")
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    jdbc(platform)
        .update(
            "INSERT INTO deployments (id, tenant_id, owner_id, app_name, workflow_id, namespace,"
                + " object_name, image, port, replicas, url) VALUES (?, ?, ?, 'web', ?, ?, 'web',"
                + " 'nginx:1.27', 8080, 2, 'https://web.apps.shipyard.local')",
            id,
            owner.tenantId(),
            UUID.fromString(owner.id()),
            "deployment-" + id,
            ns);
    String uri = "/v1/deployments/" + id + "/logs";

    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                lines(Json.call(mainApi, HttpMethod.GET, uri, owner.accessToken(), null, 200))
                        .stream()
                        .filter(l -> "Listening on port 8080".equals(l.get("message")))
                        .count()
                    == 2);
    List<Map<String, Object>> logs =
        lines(Json.call(mainApi, HttpMethod.GET, uri, owner.accessToken(), null, 200));
    assertThat(logs)
        .extracting(l -> (String) l.get("source"))
        .allMatch(source -> source.startsWith("web-"));
    assertThat(logs.stream().map(l -> l.get("source")).distinct().count()).isEqualTo(2);

    String ws =
        platform.endpoints().apiUrl().replaceFirst("^http", "ws")
            + uri
            + "/stream?tail=1&token="
            + owner.accessToken();
    try (WsClient socket = WsClient.connect(ws)) {
      assertThat(socket.next(WAIT)).containsEntry("message", "Listening on port 8080");
      String pod = (String) logs.get(0).get("source");
      platform.cluster().appendLog(ns, pod, Instant.now(), "WARN live from the simulated pod");
      assertThat(socket.next(WAIT))
          .containsEntry("message", "WARN live from the simulated pod")
          .containsEntry("level", "warn")
          .containsEntry("source", pod);
    }

    Map<String, Object> metrics =
        (Map<String, Object>)
            Json.call(
                    mainApi,
                    HttpMethod.GET,
                    "/v1/deployments/" + id + "/metrics",
                    owner.accessToken(),
                    null,
                    200)
                .get("metrics");
    assertThat(metrics)
        .containsEntry("available", false)
        .containsEntry("reason", "the simulated cluster does not serve metrics.k8s.io");
  }
}
