package dev.shipyard.activities.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.secrets.WebhookSecrets;
import dev.shipyard.workflows.webhooks.WebhookAttemptOutcome;
import dev.shipyard.workflows.webhooks.WebhookDispatch;
import dev.shipyard.workflows.webhooks.WebhookEndpoint;
import dev.shipyard.workflows.webhooks.WebhookSendActivities;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One attempt of a webhook message to one endpoint (Standard Webhooks). The message is read from
 * {@code webhook_outbox}, the endpoint from {@code webhook_subscriptions} (its sealed secrets
 * opened here, at the last moment) or from the configuration ({@code WEBHOOK_URL}, {@code
 * WEBHOOK_SIGNING_SECRET}). Each POST carries {@code webhook-id}, {@code webhook-timestamp}, {@code
 * webhook-signature} (one {@code v1,} signature per valid secret, space-separated during a
 * rotation's grace period), and, for receivers written before, {@code X-Shipyard-Event}, {@code
 * X-Shipyard-Delivery} and {@code X-Shipyard-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "t.body">}
 * (keyed with the same key). Every attempt is a {@code webhook_attempts} row.
 *
 * <p>Each endpoint host has its circuit breaker and bulkhead ({@link OutboundBreakers}, {@code
 * webhook:<host>}): transport failures, 5xx and 429 are its outages; while it is open, attempts
 * fail at once (recorded {@code failed}, the schedule goes on) instead of each waiting for a
 * timeout.
 */
public class WebhookSendActivitiesImpl implements WebhookSendActivities {

  /** At most this many characters of a receiver's answer are kept. */
  public static final int EXCERPT_CHARS = 1024;

  private final JdbcTemplate jdbc;
  private final OutboundHttp http;
  private final SecretBox secrets;
  private final URI configuredUrl;
  private final String configuredSecret;
  private final Duration disableAfter;
  private final Clock clock;
  private final ObjectMapper json;
  private final OutboundBreakers breakers;

  /**
   * @param secrets opens subscription secrets; null when {@code SECRETS_KEYS} is not set (then
   *     subscriptions cannot be served)
   * @param configuredUrl {@code WEBHOOK_URL}, blank for none
   * @param configuredSecret {@code WEBHOOK_SIGNING_SECRET}: signs the per-request {@code
   *     webhook_url} and {@code WEBHOOK_URL}; blank for none
   * @param disableAfter how long a subscription may fail without a success before it is disabled
   * @param breakers the worker's breakers; null for none
   */
  public WebhookSendActivitiesImpl(
      JdbcTemplate jdbc,
      OutboundHttp http,
      SecretBox secrets,
      String configuredUrl,
      String configuredSecret,
      Duration disableAfter,
      Clock clock,
      ObjectMapper json,
      OutboundBreakers breakers) {
    this.jdbc = jdbc;
    this.http = http;
    this.secrets = secrets;
    this.configuredUrl =
        configuredUrl == null || configuredUrl.isBlank() ? null : URI.create(configuredUrl.trim());
    this.configuredSecret =
        configuredSecret == null || configuredSecret.isBlank() ? null : configuredSecret;
    this.disableAfter = disableAfter;
    this.clock = clock;
    this.json = json;
    this.breakers = breakers;
  }

  /** The context a subscription's secrets are sealed under. */
  public static String sealingContext(UUID subscriptionId) {
    return "webhook:" + subscriptionId;
  }

  private record Endpoint(URI url, List<byte[]> keys, UUID subscriptionId, UUID ownerId) {}

  @Override
  public WebhookAttemptOutcome attempt(WebhookDispatch dispatch, int attempt) {
    String workflowId = Activity.getExecutionContext().getInfo().getWorkflowId();
    List<String> done =
        jdbc.queryForList(
            "SELECT status FROM webhook_attempts WHERE workflow_id = ? AND attempt = ?",
            String.class,
            workflowId,
            attempt);
    if (!done.isEmpty()) {
      return outcomeOf(done.get(0));
    }
    UUID messageId = UUID.fromString(dispatch.messageId());
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "SELECT source, event, payload::text AS payload, webhook_url, created_at"
                + " FROM webhook_outbox WHERE id = ?",
            messageId);
    if (rows.isEmpty()) {
      return WebhookAttemptOutcome.NOT_SENDABLE;
    }
    Map<String, Object> message = rows.get(0);
    String event = (String) message.get("event");
    Endpoint endpoint;
    try {
      endpoint = endpoint(dispatch, (String) message.get("webhook_url"));
    } catch (NotSendable e) {
      record(dispatch, workflowId, attempt, "not_sendable", null, 0, null, e.getMessage());
      return WebhookAttemptOutcome.NOT_SENDABLE;
    }
    String body = body((String) message.get("source"), event, message);
    long timestamp = clock.instant().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "Shipyard-Webhooks/1");
    headers.put("webhook-id", dispatch.messageId());
    headers.put("webhook-timestamp", Long.toString(timestamp));
    List<String> signatures = new ArrayList<>();
    for (byte[] key : endpoint.keys()) {
      signatures.add(WebhookSecrets.sign(key, dispatch.messageId(), timestamp, body));
    }
    headers.put("webhook-signature", String.join(" ", signatures));
    headers.put("X-Shipyard-Event", event);
    headers.put("X-Shipyard-Delivery", dispatch.messageId());
    headers.put(
        "X-Shipyard-Signature",
        "t="
            + timestamp
            + ",v1="
            + WebhookSender.sign(endpoint.keys().get(0), timestamp + "." + body));

    long started = System.nanoTime();
    OutboundHttp.Response response;
    try {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      response =
          breakers == null
              ? http.exchange("POST", endpoint.url(), headers, bytes, EXCERPT_CHARS)
              : breakers
                  .<OutboundHttp.Response>dependency(
                      "webhook:" + endpoint.url().getHost(),
                      e -> e instanceof IOException && !(e instanceof OutboundRefusedException),
                      r -> r.status() >= 500 || r.status() == 429)
                  .call(() -> http.exchange("POST", endpoint.url(), headers, bytes, EXCERPT_CHARS));
    } catch (OutboundRefusedException e) {
      record(dispatch, workflowId, attempt, "refused", null, millis(started), null, e.getMessage());
      return WebhookAttemptOutcome.REFUSED;
    } catch (IOException e) { // OutboundUnavailableException too: the breaker is open
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      record(dispatch, workflowId, attempt, "failed", null, millis(started), null, error);
      return failed(endpoint, error);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    long duration = millis(started);
    int code = response.status();
    String excerpt = excerpt(response.body());
    if (code / 100 == 2) {
      record(dispatch, workflowId, attempt, "delivered", code, duration, excerpt, null);
      if (endpoint.subscriptionId() != null) {
        jdbc.update(
            "UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = ?",
            endpoint.subscriptionId());
      }
      return WebhookAttemptOutcome.DELIVERED;
    }
    if (code == 410 && endpoint.subscriptionId() != null) {
      record(dispatch, workflowId, attempt, "gone", code, duration, excerpt, "HTTP 410");
      disable(endpoint, "the endpoint answered 410 Gone");
      return WebhookAttemptOutcome.GONE;
    }
    record(dispatch, workflowId, attempt, "failed", code, duration, excerpt, "HTTP " + code);
    return failed(endpoint, "HTTP " + code);
  }

  /** A failed attempt: a subscription failing for longer than allowed is disabled. */
  private WebhookAttemptOutcome failed(Endpoint endpoint, String error) {
    if (endpoint.subscriptionId() == null) {
      return WebhookAttemptOutcome.FAILED;
    }
    Timestamp since =
        jdbc.queryForObject(
            "UPDATE webhook_subscriptions SET failing_since = COALESCE(failing_since, ?)"
                + " WHERE id = ? RETURNING failing_since",
            Timestamp.class,
            Timestamp.from(clock.instant()),
            endpoint.subscriptionId());
    if (since != null && since.toInstant().plus(disableAfter).isBefore(clock.instant())) {
      disable(
          endpoint,
          "failing since "
              + since.toInstant()
              + " (more than "
              + disableAfter
              + "), last: "
              + error);
      return WebhookAttemptOutcome.DISABLED;
    }
    return WebhookAttemptOutcome.FAILED;
  }

  /**
   * Disables the subscription once and tells its owner (a {@code webhook_disabled} notification).
   */
  private void disable(Endpoint endpoint, String reason) {
    int changed =
        jdbc.update(
            "UPDATE webhook_subscriptions SET disabled_at = ?, disabled_reason = ?"
                + " WHERE id = ? AND disabled_at IS NULL",
            Timestamp.from(clock.instant()),
            reason,
            endpoint.subscriptionId());
    if (changed == 0) {
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("webhook_id", endpoint.subscriptionId().toString());
    data.put("url", endpoint.url().toString());
    data.put("reason", reason);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", "webhook_disabled");
    payload.put("timestamp", clock.instant().toString());
    payload.put("data", data);
    jdbc.update(
        "INSERT INTO notifications (user_id, type, payload)"
            + " VALUES (?, 'webhook_disabled', CAST(? AS jsonb))",
        endpoint.ownerId(),
        toJson(payload));
  }

  private Endpoint endpoint(WebhookDispatch dispatch, String webhookUrl) throws NotSendable {
    return switch (dispatch.endpoint()) {
      case SUBSCRIPTION -> subscription(UUID.fromString(dispatch.subscriptionId()));
      case REQUEST -> configuredKey(webhookUrl, "webhook_url");
      case CONFIGURED ->
          configuredKey(configuredUrl == null ? null : configuredUrl.toString(), "WEBHOOK_URL");
    };
  }

  private Endpoint configuredKey(String url, String what) throws NotSendable {
    if (url == null) {
      throw new NotSendable(what + " is not set");
    }
    if (configuredSecret == null) {
      throw new NotSendable("WEBHOOK_SIGNING_SECRET is not set: webhooks are not sent");
    }
    return new Endpoint(URI.create(url), List.of(WebhookSecrets.key(configuredSecret)), null, null);
  }

  private Endpoint subscription(UUID id) throws NotSendable {
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "SELECT owner_id, url, secret_sealed, previous_secret_sealed, previous_expires_at,"
                + " disabled_at FROM webhook_subscriptions WHERE id = ?",
            id);
    if (rows.isEmpty()) {
      throw new NotSendable("the subscription was deleted");
    }
    Map<String, Object> row = rows.get(0);
    if (row.get("disabled_at") != null) {
      throw new NotSendable("the subscription is disabled");
    }
    if (secrets == null) {
      throw new NotSendable("SECRETS_KEYS is not set: subscription secrets cannot be opened");
    }
    List<byte[]> keys = new ArrayList<>();
    keys.add(
        WebhookSecrets.key(secrets.open(sealingContext(id), (String) row.get("secret_sealed"))));
    Timestamp previousUntil = (Timestamp) row.get("previous_expires_at");
    if (row.get("previous_secret_sealed") != null
        && previousUntil != null
        && previousUntil.toInstant().isAfter(clock.instant())) {
      keys.add(
          WebhookSecrets.key(
              secrets.open(sealingContext(id), (String) row.get("previous_secret_sealed"))));
    }
    return new Endpoint(URI.create((String) row.get("url")), keys, id, (UUID) row.get("owner_id"));
  }

  /**
   * The body: capsule events in the capsules-api.md shape ({@code event}, {@code timestamp}, {@code
   * data}); deployment events as container-engine-api.md documents them (stored as sent).
   */
  private String body(String source, String event, Map<String, Object> message) {
    try {
      JsonNode payload = json.readTree((String) message.get("payload"));
      if (!"capsule".equals(source)) {
        return json.writeValueAsString(payload);
      }
      ObjectNode body = json.createObjectNode();
      body.put("event", event);
      body.put("timestamp", ((Timestamp) message.get("created_at")).toInstant().toString());
      body.set("data", payload);
      return json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void record(
      WebhookDispatch dispatch,
      String workflowId,
      int attempt,
      String status,
      Integer code,
      long duration,
      String excerpt,
      String error) {
    jdbc.update(
        "INSERT INTO webhook_attempts (message_id, subscription_id, endpoint, workflow_id, attempt,"
            + " status, response_code, duration_ms, response_excerpt, error, attempted_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workflow_id, attempt) DO NOTHING",
        UUID.fromString(dispatch.messageId()),
        dispatch.subscriptionId() == null ? null : UUID.fromString(dispatch.subscriptionId()),
        dispatch.endpoint().key(),
        workflowId,
        attempt,
        status,
        code,
        duration,
        excerpt,
        error,
        Timestamp.from(clock.instant()));
    if (dispatch.endpoint() == WebhookEndpoint.REQUEST) {
      // The capsule event's own summary of its webhook_url (capsule_events, V3).
      boolean delivered = "delivered".equals(status);
      jdbc.update(
          "UPDATE capsule_events SET delivery_status = ?, delivery_error = ?,"
              + " attempts = attempts + 1, delivered_at = CASE WHEN ? THEN now() ELSE NULL END"
              + " WHERE id = ?",
          code,
          delivered ? null : error,
          delivered,
          UUID.fromString(dispatch.messageId()));
    }
  }

  private static WebhookAttemptOutcome outcomeOf(String status) {
    return switch (status) {
      case "delivered" -> WebhookAttemptOutcome.DELIVERED;
      case "gone" -> WebhookAttemptOutcome.GONE;
      case "refused" -> WebhookAttemptOutcome.REFUSED;
      case "disabled" -> WebhookAttemptOutcome.DISABLED;
      case "not_sendable" -> WebhookAttemptOutcome.NOT_SENDABLE;
      default -> WebhookAttemptOutcome.FAILED;
    };
  }

  private static String excerpt(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS);
  }

  private static long millis(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class NotSendable extends Exception {
    NotSendable(String message) {
      super(message);
    }
  }
}
