package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.TestWorkers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Webhook URLs go through the outbound guard: refused at request time when the URL alone shows a
 * forbidden destination (422 naming the field), and by the worker when a name resolves to one;
 * either way nothing is sent.
 */
@ExtendWith(LocalPlatformExtension.class)
class OutboundGuardE2eTest {

  private static final List<String> FORBIDDEN =
      List.of(
          "http://169.254.169.254/latest/meta-data",
          "http://127.0.0.1:15432/",
          "http://metadata.google.internal/computeMetadata/v1/",
          "http://[::1]:8080/",
          "http://10.0.0.1/hook",
          "file:///etc/passwd");

  @Test
  @SuppressWarnings("unchecked")
  void forbiddenWebhookUrlsAreRefusedAtRequestTimeNamingTheField(WebTestClient api) {
    Account owner = Accounts.register(api, "ssrf");
    for (String url : FORBIDDEN) {
      Map<String, Object> v2 =
          Json.call(api, HttpMethod.POST, "/api/v2/capsules", owner.accessToken(), v2(url), 422);
      assertThat(v2).as(url).containsEntry("success", false);
      Map<String, Object> error = ((List<Map<String, Object>>) v2.get("errors")).get(0);
      assertThat(error).as(url).containsEntry("field", "webhook_url");
      assertThat((String) error.get("message")).as(url).startsWith("webhook_url ");

      Map<String, Object> capsule =
          Json.call(
              api,
              HttpMethod.POST,
              "/generate/robust-capsule",
              owner.accessToken(),
              Map.of(
                  "description",
                  "A notes service",
                  "metadata",
                  Map.of("webhook_url", url, "max_iterations", 1)),
              422);
      assertThat(capsule).as(url).containsEntry("error_code", "VALIDATION_ERROR");
      assertThat((String) capsule.get("detail")).as(url).startsWith("metadata.webhook_url ");
    }
    // Nothing was started for any of them.
    Map<String, Object> list =
        Json.call(api, HttpMethod.GET, "/api/v2/capsules", owner.accessToken(), null, 200);
    assertThat((List<?>) list.get("data")).isEmpty();
  }

  @Test
  void aNameResolvingToLoopbackIsRefusedByTheWorkerAndNothingIsSent(
      WebTestClient api, LocalPlatform platform) throws Exception {
    Account owner = Accounts.register(api, "rebind");
    try (Trap trap = new Trap()) {
      // "localhost" passes the request-time check (a name), resolves to 127.0.0.1 on the worker,
      // and that port is not the one OUTBOUND_ALLOWED names.
      String url = "http://localhost:" + trap.port() + "/hook";
      Map<String, Object> accepted =
          Json.call(api, HttpMethod.POST, "/api/v2/capsules", owner.accessToken(), v2(url), 202);
      @SuppressWarnings("unchecked")
      String capsuleId = (String) ((Map<String, Object>) accepted.get("data")).get("capsule_id");

      JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  jdbc.queryForList(
                              "SELECT delivery_error FROM capsule_events"
                                  + " WHERE capsule_id = ? AND delivery_error IS NOT NULL",
                              String.class,
                              capsuleId)
                          .size()
                      == 1);
      Map<String, Object> event =
          jdbc.queryForMap(
              "SELECT attempts, delivery_status, delivery_error, delivered_at FROM capsule_events"
                  + " WHERE capsule_id = ?",
              capsuleId);
      assertThat((String) event.get("delivery_error"))
          .contains("localhost resolves to")
          .contains("loopback");
      assertThat(event.get("delivery_status")).isNull();
      assertThat(event.get("delivered_at")).isNull();
      // Refusal is final: not retried.
      assertThat(event.get("attempts")).isEqualTo(1);
      // The capsule itself is stored; only the webhook failed.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "stored".equals(TestWorkers.capsuleStatus(jdbc, capsuleId)));
      assertThat(trap.connections()).isZero();
    }
  }

  private static Map<String, Object> v2(String webhookUrl) {
    return Map.of(
        "project_name",
        "Hooks",
        "description",
        "A notes service with CRUD",
        "tech_stack",
        List.of("Node.js", "Express"),
        "async_processing",
        true,
        "webhook_url",
        webhookUrl);
  }

  /** A listening socket on 127.0.0.1 that counts connections: nothing may reach it. */
  private static final class Trap implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    Trap() throws Exception {
      server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    s.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes());
                  } catch (Exception e) {
                    // closed
                  }
                }
              },
              "trap");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }
}
