package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.security.CredentialCache;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.workflows.capsules.CapsuleStatus;
import dev.shipyard.workflows.capsules.GenerationRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A second API instance answers {@code GET /capsule/{id}} of a finished capsule from memory, and
 * still shows every later change of the row (announced by the database) within moments, refuses
 * other users as the database would, and forgets a deleted capsule.
 */
@ExtendWith(LocalPlatformExtension.class)
class FinishedCapsulesTest {

  @Test
  void aRememberedFinishedCapsuleFollowsChangesAndVisibility(
      LocalPlatform platform, WebTestClient a) {
    ConfigurableApplicationContext other = platform.startAnotherApi(Map.of());
    try {
      WebTestClient b =
          LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(other));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(other.getBean(CredentialCache.class)::active);
      Accounts.Account owner = Accounts.register(a, "finished");
      Accounts.Account stranger = Accounts.register(a, "stranger");
      JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
      String id = "cap-finished-" + UUID.randomUUID().toString().substring(0, 8);
      String workflowId = GenerationRequest.workflowId(id);
      jdbc.update(
          "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, engine,"
              + " target_score, workflow_id, confidence_score) VALUES (?, ?, ?, ?, 'a service',"
              + " 'offline', 0.9, ?, 0.5)",
          id,
          "req-" + id,
          owner.tenantId(),
          UUID.fromString(owner.id()),
          workflowId);
      jdbc.update(
          "INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase,"
              + " sequence, closed_at) VALUES (?, ?, ?, ?, 'completed', 'stored', 9, now())",
          workflowId,
          CapsuleStatus.KIND,
          owner.tenantId(),
          owner.id());

      String uri = "/capsule/" + id;
      assertThat(Json.call(b, HttpMethod.GET, uri, owner.accessToken(), null, 200))
          .containsEntry("status", "stored")
          .containsEntry("confidence_score", 0.5);
      // Remembered now: another user is still refused, as by the database.
      Json.call(b, HttpMethod.GET, uri, stranger.accessToken(), null, 404);

      jdbc.update("UPDATE capsules SET confidence_score = 0.75 WHERE id = ?", id);
      Awaitility.await()
          .atMost(Duration.ofSeconds(2))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .untilAsserted(
              () ->
                  assertThat(Json.call(b, HttpMethod.GET, uri, owner.accessToken(), null, 200))
                      .containsEntry("confidence_score", 0.75));

      jdbc.update("DELETE FROM capsules WHERE id = ?", id);
      Awaitility.await()
          .atMost(Duration.ofSeconds(2))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> Json.call(b, HttpMethod.GET, uri, owner.accessToken(), null, 404));
    } finally {
      other.close();
    }
  }
}
