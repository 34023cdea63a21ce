package dev.shipyard.activities.deployments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.deployments.DeploymentEvent;
import dev.shipyard.workflows.deployments.DeploymentEventActivities;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deployment events (container-engine-api.md, Webhook Integration) written to {@code
 * webhook_outbox}, the body as the document shows it. Nothing is sent here: the worker's webhook
 * relay delivers the committed row to {@code WEBHOOK_URL} and to the owner's subscriptions (README:
 * Webhooks), so a receiver that is down never holds a deployment. The event ID is stable across
 * retries (the workflow's), so a retried activity writes one row.
 */
public class OutboxDeploymentEvents implements DeploymentEventActivities {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  public OutboxDeploymentEvents(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public void send(DeploymentEvent event) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deployment_id", event.deploymentId());
    body.put("status", event.status());
    body.put("type", event.type());
    body.put("timestamp", event.timestamp());
    body.put("app_name", event.appName());
    body.put("user_id", event.userId());
    body.put("url", event.url());
    String payload;
    try {
      payload = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    jdbc.update(
        "INSERT INTO webhook_outbox (id, source, event, owner_id, tenant_id, payload)"
            + " SELECT ?, 'deployment', ?, ?, (SELECT tenant_id FROM users WHERE id = ?),"
            + " CAST(? AS jsonb) ON CONFLICT (id) DO NOTHING",
        UUID.fromString(event.eventId()),
        event.type(),
        uuidOrNull(event.userId()),
        uuidOrNull(event.userId()),
        payload);
  }

  private static UUID uuidOrNull(String value) {
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
