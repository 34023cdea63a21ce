package dev.shipyard.api.tasks;

import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code task_events}, or (with {@code seq} 0) the state of a task that has no event
 * yet, made from its run row.
 *
 * @param seq the per-task sequence number (1, 2, ... without gaps); 0 for a synthesized state
 * @param type {@code progress}, {@code completion} or {@code error}
 * @param status initializing, running, completed, failed or cancelled
 * @param progress 0 to 100
 * @param step the current step, or null
 * @param message a human-readable message, or null
 * @param data the message's data (progress), results (completion) or error fields (error)
 * @param at when the event was recorded
 */
public record TaskEvent(
    long seq,
    String type,
    String status,
    int progress,
    String step,
    String message,
    Map<String, Object> data,
    Instant at) {

  public static final String PROGRESS = "progress";
  public static final String COMPLETION = "completion";
  public static final String ERROR = "error";

  /** Whether this event ends the task (completion or error): nothing follows it. */
  public boolean terminal() {
    return !PROGRESS.equals(type);
  }
}
