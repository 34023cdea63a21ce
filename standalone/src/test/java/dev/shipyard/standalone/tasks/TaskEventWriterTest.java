package dev.shipyard.standalone.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.tasks.TaskEventWriter;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.workflows.tasks.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The one writer of task events against the real PostgreSQL: seqs are gapless under concurrent
 * writers, the per-task bound holds, and nothing follows a final event.
 */
@ExtendWith(LocalPlatformExtension.class)
class TaskEventWriterTest {

  @Test
  void concurrentWritersGetGaplessSeqsAndTheTaskItsProgress(
      LocalPlatform platform, WebTestClient api) throws Exception {
    JdbcTemplate jdbc = jdbc(platform);
    TaskEventWriter writer = platform.workerContext().getBean(TaskEventWriter.class);
    String taskId = build(jdbc, api);

    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Callable<List<Long>>> writers = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      writers.add(
          () -> {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
              seqs.add(writer.append(progress(taskId, 40)));
            }
            return seqs;
          });
    }
    List<Long> returned = new ArrayList<>();
    for (Future<List<Long>> f : pool.invokeAll(writers)) {
      returned.addAll(f.get());
    }
    pool.shutdown();

    List<Long> stored =
        jdbc.queryForList(
            "SELECT seq FROM task_events WHERE task_id = ? ORDER BY seq",
            Long.class,
            UUID.fromString(taskId));
    assertThat(stored).hasSize(240).first().isEqualTo(1L);
    assertThat(stored.get(stored.size() - 1)).isEqualTo(240L);
    assertThat(returned).containsExactlyInAnyOrderElementsOf(stored);
    assertThat(
            jdbc.queryForObject(
                "SELECT progress FROM builds WHERE task_id = ?",
                Integer.class,
                UUID.fromString(taskId)))
        .isEqualTo(40);
  }

  @Test
  void nothingFollowsAFinalEventAndTheBoundKeepsRoomForIt(
      LocalPlatform platform, WebTestClient api) {
    JdbcTemplate jdbc = jdbc(platform);
    TaskEventWriter writer = platform.workerContext().getBean(TaskEventWriter.class);
    String taskId = build(jdbc, api);
    for (int i = 0; i < TaskEventWriter.MAX_EVENTS; i++) {
      writer.append(progress(taskId, 50));
    }
    assertThat(writer.append(progress(taskId, 60))).isZero(); // over the bound: dropped

    TaskEvent done =
        new TaskEvent(
            taskId,
            TaskEvent.BUILD,
            TaskEvent.COMPLETION,
            "completed",
            100,
            null,
            null,
            Map.of("tests_passed", 12));
    assertThat(writer.append(done)).isEqualTo(TaskEventWriter.MAX_EVENTS + 1L);
    assertThat(writer.append(done)).isZero(); // a retried final append ends nothing twice
    assertThat(writer.append(progress(taskId, 70))).isZero(); // a late step report is ignored
    assertThat(
            jdbc.queryForObject(
                "SELECT data->>'tests_passed' FROM task_events WHERE task_id = ? AND seq = ?",
                String.class,
                UUID.fromString(taskId),
                TaskEventWriter.MAX_EVENTS + 1L))
        .isEqualTo("12");
  }

  private static TaskEvent progress(String taskId, int percent) {
    return new TaskEvent(
        taskId,
        TaskEvent.BUILD,
        TaskEvent.PROGRESS,
        "running",
        percent,
        "Running tests",
        null,
        Map.of("current_step", "Running tests"));
  }

  private static JdbcTemplate jdbc(LocalPlatform platform) {
    return platform.workerContext().getBean(JdbcTemplate.class);
  }

  private static String build(JdbcTemplate jdbc, WebTestClient api) {
    Accounts.Account owner = Accounts.register(api, "events");
    UUID taskId = UUID.randomUUID();
    jdbc.update(
        "INSERT INTO builds (task_id, tenant_id, owner_id, created_by, project_name, goal,"
            + " workflow_id) VALUES (?, ?, ?, ?, 'demo', 'a goal', ?)",
        taskId,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        owner.username(),
        "build-" + taskId);
    return taskId.toString();
  }
}
