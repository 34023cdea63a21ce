package dev.shipyard.api.webhooks;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code webhook_subscriptions} and {@code webhook_attempts} tables (V10). Every query names
 * the owner: another user's subscription is not found.
 */
@Component
class WebhookStore {

  private static final String COLUMNS =
      "id, url, events, description, previous_expires_at, failing_since, disabled_at,"
          + " disabled_reason, created_at";

  private final DatabaseClient db;

  WebhookStore(DatabaseClient db) {
    this.db = db;
  }

  /** A subscription without its secrets. */
  record Subscription(
      UUID id,
      String url,
      String[] events,
      String description,
      OffsetDateTime previousExpiresAt,
      OffsetDateTime failingSince,
      OffsetDateTime disabledAt,
      String disabledReason,
      OffsetDateTime createdAt) {}

  record Attempt(
      long id,
      UUID messageId,
      String event,
      int attempt,
      String status,
      Integer responseCode,
      long durationMs,
      String responseExcerpt,
      String error,
      OffsetDateTime attemptedAt) {}

  Mono<Subscription> insert(
      UUID id,
      String tenant,
      UUID owner,
      String url,
      String[] events,
      String description,
      String sealedSecret) {
    return db.sql(
            "INSERT INTO webhook_subscriptions (id, tenant_id, owner_id, url, events, description,"
                + " secret_sealed) VALUES (:id, :tenant, :owner, :url, :events, :description,"
                + " :secret) RETURNING "
                + COLUMNS)
        .bind("id", id)
        .bind("tenant", tenant)
        .bind("owner", owner)
        .bind("url", url)
        .bind("events", events)
        .bind("description", Parameter.fromOrEmpty(description, String.class))
        .bind("secret", sealedSecret)
        .map(WebhookStore::subscription)
        .one();
  }

  Flux<Subscription> pageOf(UUID owner, int limit, long offset) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM webhook_subscriptions WHERE owner_id = :owner"
                + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
        .bind("owner", owner)
        .bind("limit", limit)
        .bind("offset", offset)
        .map(WebhookStore::subscription)
        .all();
  }

  Mono<Long> countOf(UUID owner) {
    return db.sql("SELECT count(*) AS n FROM webhook_subscriptions WHERE owner_id = :owner")
        .bind("owner", owner)
        .map(row -> row.get("n", Long.class))
        .one();
  }

  Mono<Subscription> find(UUID owner, UUID id) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM webhook_subscriptions WHERE id = :id AND owner_id = :owner")
        .bind("id", id)
        .bind("owner", owner)
        .map(WebhookStore::subscription)
        .one();
  }

  Mono<Boolean> delete(UUID owner, UUID id) {
    return db.sql("DELETE FROM webhook_subscriptions WHERE id = :id AND owner_id = :owner")
        .bind("id", id)
        .bind("owner", owner)
        .fetch()
        .rowsUpdated()
        .map(n -> n > 0);
  }

  /**
   * Rotates: the current secret becomes the previous one, valid until {@code previousUntil}; a
   * previous secret still in its grace period is replaced (two secrets at most).
   */
  Mono<Subscription> rotate(
      UUID owner, UUID id, String sealedSecret, OffsetDateTime previousUntil) {
    return db.sql(
            "UPDATE webhook_subscriptions SET previous_secret_sealed = secret_sealed,"
                + " previous_expires_at = :until, secret_sealed = :secret"
                + " WHERE id = :id AND owner_id = :owner RETURNING "
                + COLUMNS)
        .bind("id", id)
        .bind("owner", owner)
        .bind("secret", sealedSecret)
        .bind("until", previousUntil)
        .map(WebhookStore::subscription)
        .one();
  }

  Flux<Attempt> attemptsOf(UUID subscription, int limit, long offset) {
    return db.sql(
            "SELECT a.id, a.message_id, o.event, a.attempt, a.status, a.response_code,"
                + " a.duration_ms, a.response_excerpt, a.error, a.attempted_at"
                + " FROM webhook_attempts a LEFT JOIN webhook_outbox o ON o.id = a.message_id"
                + " WHERE a.subscription_id = :subscription"
                + " ORDER BY a.id DESC LIMIT :limit OFFSET :offset")
        .bind("subscription", subscription)
        .bind("limit", limit)
        .bind("offset", offset)
        .map(
            row ->
                new Attempt(
                    row.get("id", Long.class),
                    row.get("message_id", UUID.class),
                    row.get("event", String.class),
                    row.get("attempt", Integer.class),
                    row.get("status", String.class),
                    row.get("response_code", Integer.class),
                    row.get("duration_ms", Long.class),
                    row.get("response_excerpt", String.class),
                    row.get("error", String.class),
                    row.get("attempted_at", OffsetDateTime.class)))
        .all();
  }

  Mono<Long> attemptCountOf(UUID subscription) {
    return db.sql(
            "SELECT count(*) AS n FROM webhook_attempts WHERE subscription_id = :subscription")
        .bind("subscription", subscription)
        .map(row -> row.get("n", Long.class))
        .one();
  }

  /** The owner's message {@code messageId} (its event), if the owner has one with that ID. */
  Mono<String> messageEvent(UUID owner, UUID messageId) {
    return db.sql("SELECT event FROM webhook_outbox WHERE id = :id AND owner_id = :owner")
        .bind("id", messageId)
        .bind("owner", owner)
        .map(row -> row.get("event", String.class))
        .one();
  }

  private static Subscription subscription(Readable row) {
    return new Subscription(
        row.get("id", UUID.class),
        row.get("url", String.class),
        row.get("events", String[].class),
        row.get("description", String.class),
        row.get("previous_expires_at", OffsetDateTime.class),
        row.get("failing_since", OffsetDateTime.class),
        row.get("disabled_at", OffsetDateTime.class),
        row.get("disabled_reason", String.class),
        row.get("created_at", OffsetDateTime.class));
  }
}
