package dev.shipyard.api.notifications;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code notifications} table (migration {@code V7}) as the API reads it, through R2DBC. The
 * worker writes a row per deployment status change; {@link #insertTest} writes the test
 * notification. Every read is the user's own rows only.
 */
@Component
class NotificationStore {

  /** Rows per read. */
  static final int PAGE = 200;

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final DatabaseClient db;
  private final ObjectMapper json;

  NotificationStore(DatabaseClient db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /** One stored notification: its ID (the resume cursor), its type and the event as sent. */
  record Notification(long id, String type, Map<String, Object> payload, Instant createdAt) {}

  /** The user a notification is for; empty when the row is gone. */
  Mono<UUID> userOf(long id) {
    return db.sql("SELECT user_id FROM notifications WHERE id = :id")
        .bind("id", id)
        .map(row -> row.get("user_id", UUID.class))
        .one();
  }

  /** The user's newest notification ID, 0 when none. */
  Mono<Long> latestId(UUID user) {
    return db.sql("SELECT coalesce(max(id), 0) AS id FROM notifications WHERE user_id = :user")
        .bind("user", user)
        .map(row -> row.get("id", Long.class))
        .one();
  }

  /**
   * Up to {@link #PAGE} of the user's notifications not sent yet, in ID order: every row above
   * {@code high} (the highest ID sent), and rows between {@code floor} and {@code high} written in
   * the last {@code lookback} whose ID is not in {@code sent}. IDs come from a sequence and
   * transactions commit in any order, so a row may become visible after a higher one was sent; the
   * look-back delivers it instead of skipping it for good.
   */
  Flux<Notification> unsent(
      UUID user, long floor, long high, Duration lookback, Long[] sent, int limit) {
    return db.sql(
            "SELECT id, type, payload, created_at FROM notifications WHERE user_id = :user"
                + " AND id > :floor AND (id > :high OR (created_at > now() - make_interval(secs =>"
                + " :lookback) AND NOT (id = ANY(:sent)))) ORDER BY id LIMIT :limit")
        .bind("user", user)
        .bind("floor", floor)
        .bind("high", high)
        .bind("lookback", (double) lookback.toSeconds())
        .bind("sent", sent)
        .bind("limit", limit)
        .map(this::notification)
        .all();
  }

  /** Inserts a {@code test_notification} for {@code user}; its ID. */
  Mono<Long> insertTest(UUID user, Instant now) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", NotificationTypes.TEST);
    payload.put("deployment_id", null);
    payload.put("timestamp", now.toString());
    payload.put("data", Map.of("message", "This is a test notification", "status", "test"));
    return db.sql(
            "INSERT INTO notifications (user_id, type, payload) VALUES (:user, :type,"
                + " CAST(:payload AS jsonb)) RETURNING id")
        .bind("user", user)
        .bind("type", NotificationTypes.TEST)
        .bind("payload", write(payload))
        .map(row -> row.get("id", Long.class))
        .one();
  }

  /** The user's stored notifications per type. */
  Mono<Map<String, Long>> totals(UUID user) {
    return db.sql(
            "SELECT type, count(*) AS n FROM notifications WHERE user_id = :user GROUP BY type"
                + " ORDER BY type")
        .bind("user", user)
        .map(row -> Map.entry(row.get("type", String.class), row.get("n", Long.class)))
        .all()
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
  }

  /** Deletes notifications older than {@code age}; how many. */
  Mono<Long> purge(Duration age) {
    return db.sql(
            "DELETE FROM notifications WHERE created_at < now() - make_interval(secs => :age)")
        .bind("age", (double) age.toSeconds())
        .fetch()
        .rowsUpdated();
  }

  private Notification notification(Readable row) {
    return new Notification(
        row.get("id", Long.class),
        row.get("type", String.class),
        read(row.get("payload", Json.class)),
        row.get("created_at", OffsetDateTime.class).toInstant());
  }

  private Map<String, Object> read(Json value) {
    if (value == null) {
      return Map.of();
    }
    try {
      Map<String, Object> parsed = json.readValue(value.asArray(), MAP);
      return parsed == null ? Map.of() : parsed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
