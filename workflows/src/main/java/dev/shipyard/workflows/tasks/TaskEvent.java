package dev.shipyard.workflows.tasks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * One progress event of a build or an analysis, persisted in {@code task_events} (outside workflow
 * history) and shown by {@code GET .../events} and the WebSockets of builds-analysis-api.md.
 *
 * @param taskId the build's {@code task_id} or the analysis's {@code analysis_id}
 * @param kind {@link #BUILD} or {@link #ANALYSIS}
 * @param type {@link #PROGRESS}, {@link #COMPLETION} or {@link #ERROR}
 * @param status {@code initializing}, {@code running}, {@code completed}, {@code failed} or {@code
 *     cancelled}
 * @param progress 0 to 100
 * @param step the current step (the message's {@code data.current_step}), may be null
 * @param message a short line, may be null (never a secret)
 * @param data the message's extra fields: {@code data} of a progress message, {@code results} of a
 *     completion, {@code error} of an error; small (bounded lists only), never a secret
 */
public record TaskEvent(
    String taskId,
    String kind,
    String type,
    String status,
    int progress,
    String step,
    String message,
    Map<String, Object> data) {

  public static final String BUILD = "build";
  public static final String ANALYSIS = "analysis";
  public static final String PROGRESS = "progress";
  public static final String COMPLETION = "completion";
  public static final String ERROR = "error";

  public TaskEvent {
    data = data == null ? Map.of() : data;
  }

  /**
   * Whether this event ends its task's stream (completion or error). Not a property: Temporal's
   * JSON converter would write it as {@code final} and then refuse it when reading the event back.
   */
  @JsonIgnore
  public boolean isFinal() {
    return !PROGRESS.equals(type);
  }
}
