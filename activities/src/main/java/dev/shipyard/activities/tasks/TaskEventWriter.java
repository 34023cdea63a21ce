package dev.shipyard.activities.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.workflows.tasks.TaskEvent;
import dev.shipyard.workflows.tasks.TaskEventActivities;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one writer of {@code task_events} (migration V6): appends an event with the next {@code seq}
 * of its task, so seqs are gapless and committed in order (writers of one task take turns under a
 * transaction-scoped advisory lock; should two still meet at the primary key, the loser retries).
 * Bounded: at most {@value #MAX_EVENTS} events per task (later progress events are dropped; a final
 * event is always added), and nothing after a task's final (completion or error) event. Each event
 * also sets the task's {@code progress} column of {@code builds} or {@code analyses}.
 */
public class TaskEventWriter implements TaskEventActivities {

  /** The most events a task keeps. */
  public static final int MAX_EVENTS = 1_000;

  private static final int ATTEMPTS = 20;

  private static final String APPEND =
      """
      INSERT INTO task_events (task_id, seq, kind, type, status, progress, step, message, data)
      SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?::jsonb
        FROM task_events WHERE task_id = ?
      HAVING (COUNT(*) < ? OR ?)
         AND NOT EXISTS (SELECT 1 FROM task_events f WHERE f.task_id = ? AND f.type <> 'progress')
      RETURNING seq
      """;

  private static final Map<String, String> PROGRESS_OF =
      Map.of(
          TaskEvent.BUILD, "UPDATE builds SET progress = ? WHERE task_id = ?",
          TaskEvent.ANALYSIS, "UPDATE analyses SET progress = ? WHERE analysis_id = ?");

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final ObjectMapper json;

  public TaskEventWriter(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.transactions =
        new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    this.json = json;
  }

  @Override
  public long append(TaskEvent event) {
    String progressUpdate = PROGRESS_OF.get(event.kind());
    if (progressUpdate == null) {
      throw new IllegalArgumentException("Unknown task kind " + event.kind());
    }
    UUID taskId = UUID.fromString(event.taskId());
    int progress = Math.max(0, Math.min(100, event.progress()));
    String data = toJson(event.data());
    for (int attempt = 1; ; attempt++) {
      try {
        List<Long> seq =
            transactions.execute(
                status -> {
                  // One writer per task at a time (until commit): the next seq is read after the
                  // previous writer committed, so writers do not race for the same seq.
                  jdbc.queryForObject(
                      "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                      Object.class,
                      event.taskId());
                  return jdbc.queryForList(
                      APPEND,
                      Long.class,
                      taskId,
                      event.kind(),
                      event.type(),
                      event.status(),
                      progress,
                      event.step(),
                      event.message(),
                      data,
                      taskId,
                      MAX_EVENTS,
                      event.isFinal(),
                      taskId);
                });
        if (seq == null || seq.isEmpty()) {
          return 0;
        }
        jdbc.update(progressUpdate, progress, taskId);
        return seq.get(0);
      } catch (DuplicateKeyException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * A {@link StepProgress} that appends {@code running} progress events of one task, the step's
   * percent mapped into {@code [from, to]} of the whole task.
   */
  public StepProgress progressOf(String kind, String taskId, int from, int to) {
    return (step, percent, message) -> {
      int clamped = Math.max(0, Math.min(100, percent));
      int overall = from + (to - from) * clamped / 100;
      append(
          new TaskEvent(
              taskId,
              kind,
              TaskEvent.PROGRESS,
              "running",
              overall,
              step,
              message,
              Map.of("current_step", step)));
    };
  }

  private String toJson(Map<String, Object> data) {
    try {
      return json.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Event data is not serialisable", e);
    }
  }
}
