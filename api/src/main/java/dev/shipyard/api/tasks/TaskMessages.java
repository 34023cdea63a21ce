package dev.shipyard.api.tasks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The WebSocket messages of builds-analysis-api.md ("WebSocket Endpoints"): {@code connected},
 * {@code progress}, {@code completion} and {@code error}, each with the field {@code seq} added
 * (the event's sequence number; 0 for a state made before the task's first event). Analyses use the
 * same format as builds, {@code task_id} included.
 */
final class TaskMessages {

  private TaskMessages() {}

  static Map<String, Object> connected(TaskKind kind, UUID taskId, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "connected");
    m.put("task_id", taskId.toString());
    m.put("message", "Connected to " + kind.value() + " updates");
    m.put("timestamp", now.toString());
    return m;
  }

  /** The message of {@code event}: progress, completion or error. */
  static Map<String, Object> of(UUID taskId, TaskEvent event) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", event.type());
    m.put("task_id", taskId.toString());
    m.put("seq", event.seq());
    m.put("status", event.status());
    switch (event.type()) {
      case TaskEvent.COMPLETION -> {
        m.put("timestamp", event.at().toString());
        m.put("results", results(event.data()));
      }
      case TaskEvent.ERROR -> {
        m.put("timestamp", event.at().toString());
        m.put("error", error(event));
      }
      default -> {
        m.put("progress", event.progress());
        m.put("timestamp", event.at().toString());
        m.put("data", progressData(event));
      }
    }
    return m;
  }

  /** {@code current_step} (the event's step), then the event's message and data fields. */
  static Map<String, Object> progressData(TaskEvent event) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("current_step", event.step());
    if (event.message() != null) {
      data.put("message", event.message());
    }
    event.data().forEach(data::putIfAbsent);
    return data;
  }

  /** The results: {@code data.results} when the writer nested them, else the whole data. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> results(Map<String, Object> data) {
    return data.get("results") instanceof Map<?, ?> nested ? (Map<String, Object>) nested : data;
  }

  /** The error text: {@code data.error} when it is one, else the event's message. */
  static String error(TaskEvent event) {
    Object error = event.data().get("error");
    if (error instanceof String text && !text.isBlank()) {
      return text;
    }
    return event.message() != null ? event.message() : event.status();
  }
}
