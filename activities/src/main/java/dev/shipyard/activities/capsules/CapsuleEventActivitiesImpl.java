package dev.shipyard.activities.capsules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.webhook.WebhookSender;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.workflows.capsules.CapsuleEventActivities;
import dev.shipyard.workflows.capsules.GenerationFailure;
import dev.shipyard.workflows.capsules.GenerationRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** The capsule's events: one {@code capsule_events} row each, and its signed webhook. */
public class CapsuleEventActivitiesImpl implements CapsuleEventActivities {

  private final JdbcTemplate jdbc;
  private final WebhookSender webhooks;
  private final ObjectMapper json = new ObjectMapper();

  public CapsuleEventActivitiesImpl(JdbcTemplate jdbc, WebhookSender webhooks) {
    this.jdbc = jdbc;
    this.webhooks = webhooks;
  }

  @Override
  public void emitCreated(GenerationRequest request, double score) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("capsule_id", request.capsuleId());
    data.put("request_id", request.requestId());
    data.put("tenant_id", request.tenantId());
    data.put("user_id", request.userId());
    data.put("score", score);
    // One event per capsule: a retried activity finds the row and reuses its ID and timestamp.
    jdbc.update(
        "INSERT INTO capsule_events (id, capsule_id, event, payload, webhook_url)"
            + " VALUES (?, ?, 'capsule.created', CAST(? AS jsonb), ?)"
            + " ON CONFLICT DO NOTHING",
        UUID.nameUUIDFromBytes(
            ("capsule.created:" + request.capsuleId()).getBytes(StandardCharsets.UTF_8)),
        request.capsuleId(),
        toJson(data),
        request.webhookUrl());
    if (request.webhookUrl() == null) {
      return;
    }
    Map<String, Object> event =
        jdbc.queryForMap(
            "SELECT id, created_at, delivered_at FROM capsule_events"
                + " WHERE capsule_id = ? AND event = 'capsule.created'",
            request.capsuleId());
    if (event.get("delivered_at") != null) {
      return;
    }
    String id = event.get("id").toString();
    if (!webhooks.configured()) {
      String reason = "WEBHOOK_SIGNING_SECRET is not set: webhooks are not sent";
      recordDelivery(id, null, reason);
      throw CapsuleFailures.of(GenerationFailure.WEBHOOK_NOT_CONFIGURED, reason);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", "capsule.created");
    body.put("timestamp", ((java.sql.Timestamp) event.get("created_at")).toInstant().toString());
    body.put("data", data);
    int status;
    try {
      status = webhooks.send(URI.create(request.webhookUrl()), "capsule.created", id, toJson(body));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      recordDelivery(id, null, e.toString());
      throw CapsuleFailures.of(GenerationFailure.WEBHOOK_FAILED, "Webhook delivery interrupted");
    } catch (OutboundRefusedException e) {
      // The outbound guard refused the URL (nothing was sent): retrying cannot change that.
      recordDelivery(id, null, "webhook_url " + e.getMessage());
      throw CapsuleFailures.of(
          GenerationFailure.WEBHOOK_URL_REFUSED, "webhook_url " + e.getMessage());
    } catch (Exception e) {
      recordDelivery(id, null, e.toString());
      throw CapsuleFailures.of(GenerationFailure.WEBHOOK_FAILED, "Webhook delivery failed: " + e);
    }
    recordDelivery(id, status, status / 100 == 2 ? null : "HTTP " + status);
    if (status / 100 != 2) {
      throw CapsuleFailures.of(GenerationFailure.WEBHOOK_FAILED, "Webhook answered HTTP " + status);
    }
  }

  private void recordDelivery(String id, Integer status, String error) {
    jdbc.update(
        "UPDATE capsule_events SET delivery_status = ?, delivery_error = ?, attempts = attempts + 1,"
            + " delivered_at = CASE WHEN ? THEN now() ELSE NULL END WHERE id = ?",
        status,
        error,
        error == null,
        UUID.fromString(id));
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
