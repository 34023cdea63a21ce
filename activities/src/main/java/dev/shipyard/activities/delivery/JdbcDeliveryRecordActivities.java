package dev.shipyard.activities.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.delivery.DeliveryRecordActivities;
import dev.shipyard.workflows.delivery.DeliveryRequest;
import dev.shipyard.workflows.delivery.DeliveryResult;
import dev.shipyard.workflows.delivery.DestinationResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a delivery's results into {@code delivery_results} (V9), its outbox events into {@code
 * capsule_events} in the capsules-api.md payload convention (the {@code payload} column is the
 * event's {@code data}), and erases the credentials sealed for this delivery alone, in one
 * transaction. Idempotent: the results are upserted, each event has a name-based ID and the unique
 * index {@code (delivery_id, event)}, so a retry writes it once. The relay of {@code
 * capsule_events} sends the events; nothing here calls out.
 */
public class JdbcDeliveryRecordActivities implements DeliveryRecordActivities {

  public static final String DELIVERED = "capsule.delivered";
  public static final String FAILED = "delivery.failed";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;

  public JdbcDeliveryRecordActivities(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.transactions =
        new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
  }

  @Override
  public void recordResults(DeliveryRequest request, DeliveryResult result) {
    UUID delivery = UUID.fromString(request.deliveryId());
    transactions.executeWithoutResult(
        status -> {
          List<DestinationResult> results = result.destinations();
          for (int i = 0; i < results.size(); i++) {
            DestinationResult r = results.get(i);
            jdbc.update(
                "INSERT INTO delivery_results (delivery_id, position, mode, destination, success,"
                    + " url, signed_url, checksum, metadata, failure, error)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?)"
                    + " ON CONFLICT (delivery_id, position) DO UPDATE SET mode = EXCLUDED.mode,"
                    + " destination = EXCLUDED.destination, success = EXCLUDED.success,"
                    + " url = EXCLUDED.url, signed_url = EXCLUDED.signed_url,"
                    + " checksum = EXCLUDED.checksum, metadata = EXCLUDED.metadata,"
                    + " failure = EXCLUDED.failure, error = EXCLUDED.error",
                delivery,
                i,
                r.mode(),
                r.destination(),
                r.success(),
                r.url(),
                r.signedUrl(),
                r.checksum(),
                json(r.metadata()),
                r.failure() == null ? null : r.failure().name(),
                r.error());
          }
          if (result.successful() > 0) {
            event(request, DELIVERED, data(request, result, true));
          }
          if (result.failed() > 0) {
            event(request, FAILED, data(request, result, false));
          }
          jdbc.update("DELETE FROM delivery_credentials WHERE delivery_id = ?", delivery);
        });
  }

  /**
   * The event's {@code data}: the delivery's IDs, its summary and its destinations (for {@code
   * capsule.delivered} the delivered ones with their URLs and checksums; for {@code
   * delivery.failed} the failed ones with their typed cause and message). No signed URL (it grants
   * access to whoever holds it) and no credentials.
   */
  static Map<String, Object> data(DeliveryRequest request, DeliveryResult result, boolean ok) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("capsule_id", request.capsuleId());
    data.put("version_id", request.versionId());
    data.put("delivery_id", request.deliveryId());
    data.put("tenant_id", request.tenantId());
    data.put("user_id", request.userId());
    data.put(
        "summary",
        Map.of(
            "total_destinations", result.totalDestinations(),
            "successful", result.successful(),
            "failed", result.failed()));
    List<Map<String, Object>> destinations = new ArrayList<>();
    for (DestinationResult r : result.destinations()) {
      if (r.success() != ok) {
        continue;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("mode", r.mode());
      d.put("destination", r.destination());
      if (ok) {
        d.put("url", r.url());
        d.put("checksum", r.checksum());
      } else {
        d.put("error_code", r.failure() == null ? null : r.failure().name());
        d.put("error", r.error());
      }
      destinations.add(d);
    }
    data.put(ok ? "destinations" : "failed_destinations", destinations);
    return data;
  }

  private void event(DeliveryRequest request, String event, Map<String, Object> data) {
    jdbc.update(
        "INSERT INTO capsule_events (id, capsule_id, event, payload, version_id, delivery_id)"
            + " VALUES (?, ?, ?, CAST(? AS jsonb), ?, ?) ON CONFLICT DO NOTHING",
        UUID.nameUUIDFromBytes(
            (event + ":" + request.deliveryId()).getBytes(StandardCharsets.UTF_8)),
        request.capsuleId(),
        event,
        json(data),
        request.versionId(),
        UUID.fromString(request.deliveryId()));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
