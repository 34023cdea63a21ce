package dev.shipyard.activities.capsules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.capsules.CapsuleEventActivities;
import dev.shipyard.workflows.capsules.GenerationRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The capsule's events: one {@code capsule_events} row each, which a trigger copies into {@code
 * webhook_outbox} in the same transaction. Nothing is sent here: the worker's webhook relay turns
 * the committed row into delivery workflows (README: Webhooks), so a receiver that is down never
 * delays or fails the generation.
 */
public class CapsuleEventActivitiesImpl implements CapsuleEventActivities {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json = new ObjectMapper();

  public CapsuleEventActivitiesImpl(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void emitCreated(GenerationRequest request, double score) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("capsule_id", request.capsuleId());
    data.put("request_id", request.requestId());
    data.put("tenant_id", request.tenantId());
    data.put("user_id", request.userId());
    data.put("score", score);
    // One event per capsule: a retried activity finds the row (its ID is name-based).
    jdbc.update(
        "INSERT INTO capsule_events (id, capsule_id, event, payload, webhook_url)"
            + " VALUES (?, ?, 'capsule.created', CAST(? AS jsonb), ?)"
            + " ON CONFLICT DO NOTHING",
        UUID.nameUUIDFromBytes(
            ("capsule.created:" + request.capsuleId()).getBytes(StandardCharsets.UTF_8)),
        request.capsuleId(),
        toJson(data),
        request.webhookUrl());
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
