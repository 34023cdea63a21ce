package dev.shipyard.api.tasks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The read side of {@code task_events} (R2DBC, never blocking): events after a sequence number in
 * bounded pages, the owner of a task, and its current state. The worker writes the events; a task
 * without any yet has its state made from its {@code workflow_runs} row and the business table.
 */
@Component
public class TaskEventStore {

  /** The most events one read returns. */
  public static final int MAX_PAGE = 500;

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private static final String COLUMNS = "seq, type, status, progress, step, message, data, at";

  private final DatabaseClient db;
  private final ObjectMapper json;

  public TaskEventStore(DatabaseClient db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /** Who owns a task: its tenant and user. */
  public record Owner(String tenantId, UUID ownerId) {}

  /** The owner of task {@code id} of {@code kind}; empty when there is no such task. */
  public Mono<Owner> owner(TaskKind kind, UUID id) {
    return db.sql(
            "SELECT tenant_id, owner_id FROM "
                + kind.table()
                + " WHERE "
                + kind.idColumn()
                + " = :id")
        .bind("id", id)
        .map(row -> new Owner(row.get("tenant_id", String.class), row.get("owner_id", UUID.class)))
        .one();
  }

  /**
   * Up to {@code limit} (at most {@link #MAX_PAGE}) events with seq above {@code after}, in order.
   */
  public Flux<TaskEvent> after(TaskKind kind, UUID id, long after, int limit) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM task_events WHERE task_id = :id AND kind = :kind AND seq > :after"
                + " ORDER BY seq LIMIT :limit")
        .bind("id", id)
        .bind("kind", kind.value())
        .bind("after", after)
        .bind("limit", Math.max(1, Math.min(limit, MAX_PAGE)))
        .map(this::event)
        .all();
  }

  /** The task's latest event; empty when it has none. */
  public Mono<TaskEvent> latest(TaskKind kind, UUID id) {
    return db.sql(
            "SELECT "
                + COLUMNS
                + " FROM task_events WHERE task_id = :id AND kind = :kind"
                + " ORDER BY seq DESC LIMIT 1")
        .bind("id", id)
        .bind("kind", kind.value())
        .map(this::event)
        .one();
  }

  /**
   * The task's current state: its latest event, or, before the first one, a state with seq 0 made
   * from its run: {@code initializing} while the run is queued or running (or not yet recorded), a
   * {@code completion} with the stored results, or an {@code error} with the run's error. Empty
   * when there is no such task.
   */
  public Mono<TaskEvent> current(TaskKind kind, UUID id) {
    return latest(kind, id).switchIfEmpty(Mono.defer(() -> fromRun(kind, id)));
  }

  private Mono<TaskEvent> fromRun(TaskKind kind, UUID id) {
    return db.sql(
            "SELECT t.progress, t.results, t.created_at, r.status, r.error, r.updated_at FROM "
                + kind.table()
                + " t LEFT JOIN workflow_runs r ON r.workflow_id = t.workflow_id WHERE t."
                + kind.idColumn()
                + " = :id")
        .bind("id", id)
        .map(
            row -> {
              String run = row.get("status", String.class);
              OffsetDateTime updated = row.get("updated_at", OffsetDateTime.class);
              Instant at =
                  (updated != null ? updated : row.get("created_at", OffsetDateTime.class))
                      .toInstant();
              int progress = row.get("progress", Integer.class);
              if ("completed".equals(run)) {
                return new TaskEvent(
                    0,
                    TaskEvent.COMPLETION,
                    run,
                    100,
                    null,
                    null,
                    map(row.get("results", Json.class)),
                    at);
              }
              if ("failed".equals(run) || "cancelled".equals(run)) {
                String error = row.get("error", String.class);
                return new TaskEvent(
                    0,
                    TaskEvent.ERROR,
                    run,
                    progress,
                    null,
                    error,
                    error == null ? Map.of() : Map.of("error", error),
                    at);
              }
              return new TaskEvent(
                  0, TaskEvent.PROGRESS, "initializing", progress, null, null, Map.of(), at);
            })
        .one();
  }

  private TaskEvent event(Readable row) {
    return new TaskEvent(
        row.get("seq", Long.class),
        row.get("type", String.class),
        row.get("status", String.class),
        row.get("progress", Integer.class),
        row.get("step", String.class),
        row.get("message", String.class),
        map(row.get("data", Json.class)),
        row.get("at", OffsetDateTime.class).toInstant());
  }

  private Map<String, Object> map(Json value) {
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
}
