package dev.shipyard.standalone.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.deployments.OutboxDeploymentEvents;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.WebhookReceiver;
import dev.shipyard.worker.WebhookRelay;
import dev.shipyard.workflows.deployments.DeploymentEvent;
import dev.shipyard.workflows.webhooks.WebhookDispatch;
import dev.shipyard.workflows.webhooks.WebhookEndpoint;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The outbox relay's durability: a committed event waits in {@code webhook_outbox} while no relay
 * runs (a dead worker) and is sent once one runs again; a row relayed again (a worker that started
 * the deliveries but died before marking the row) sends nothing twice, the workflow ID being the
 * same and duplicates rejected.
 */
@ExtendWith(LocalPlatformExtension.class)
class WebhookRelayTest {

  @Test
  void aCommittedEventWaitsForARelayAndIsSentOnceEvenWhenRelayedTwice(
      WebTestClient api, LocalPlatform platform, WebhookReceiver receiver) throws Exception {
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    WebhookRelay relay = platform.workerContext().getBean(WebhookRelay.class);
    Account owner = Accounts.register(api, "relay");
    String path = "/relay-" + UUID.randomUUID();
    String webhook =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/webhooks",
                    owner.accessToken(),
                    Map.of("url", receiver.url(path), "events", List.of("deployment_started")),
                    201)
                .get("id");
    UUID event = UUID.randomUUID();
    relay.stop();
    try {
      // The deployment's activity commits its event while no relay runs.
      new OutboxDeploymentEvents(jdbc, new ObjectMapper())
          .send(
              new DeploymentEvent(
                  event.toString(),
                  "deployment_started",
                  "started",
                  UUID.randomUUID().toString(),
                  "relayed",
                  owner.id(),
                  "https://relayed.apps.shipyard.local",
                  Instant.now().toString()));
      assertThat(requestTo(receiver, path, Duration.ofSeconds(3))).isNull();
      assertThat(relayedAt(jdbc, event)).isNull();

      // A relay again (the restarted worker): the event goes out.
      assertThat(relay.relayOnce()).isEqualTo(1);
      WebhookReceiver.Request sent = requestTo(receiver, path, Duration.ofSeconds(60));
      assertThat(sent).isNotNull();
      assertThat(sent.header("webhook-id")).isEqualTo(event.toString());
      assertThat(relayedAt(jdbc, event)).isNotNull();

      // Relayed once more, as after a crash before the commit: the same workflow ID is refused as
      // a duplicate and nothing is sent again.
      jdbc.update("UPDATE webhook_outbox SET relayed_at = NULL WHERE id = ?", event);
      assertThat(relay.relayOnce()).isEqualTo(1);
      assertThat(requestTo(receiver, path, Duration.ofSeconds(3))).isNull();
      WorkflowClient temporal = platform.apiContext().getBean(WorkflowClient.class);
      String workflowId =
          new WebhookDispatch(event.toString(), WebhookEndpoint.SUBSCRIPTION, webhook, false)
              .workflowId(null);
      assertThat(
              temporal
                  .getWorkflowServiceStubs()
                  .blockingStub()
                  .describeWorkflowExecution(
                      DescribeWorkflowExecutionRequest.newBuilder()
                          .setNamespace(temporal.getOptions().getNamespace())
                          .setExecution(
                              WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
                          .build())
                  .getWorkflowExecutionInfo()
                  .getExecution()
                  .getWorkflowId())
          .isEqualTo(workflowId);
      assertThat(
              jdbc.queryForObject(
                  "SELECT count(*) FROM webhook_attempts WHERE message_id = ?",
                  Integer.class,
                  event))
          .isEqualTo(1);
    } finally {
      relay.start();
    }
  }

  private static Object relayedAt(JdbcTemplate jdbc, UUID event) {
    return jdbc.queryForObject(
        "SELECT relayed_at FROM webhook_outbox WHERE id = ?", java.sql.Timestamp.class, event);
  }

  /** The next request to {@code path} within {@code wait}, or null; others are skipped. */
  private static WebhookReceiver.Request requestTo(
      WebhookReceiver receiver, String path, Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < end) {
      WebhookReceiver.Request request =
          receiver.poll(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (request != null && request.requestLine().equals("POST " + path + " HTTP/1.1")) {
        return request;
      }
    }
    return null;
  }
}
