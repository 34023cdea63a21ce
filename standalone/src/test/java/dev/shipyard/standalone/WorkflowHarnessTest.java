package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shipyard.api.runs.WorkflowRunReconciler;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.ProbeWorkflow;
import dev.shipyard.standalone.testing.ProbeWorkflowImpl;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The Temporal plumbing end to end: the API's client starts a workflow on a Shipyard task queue,
 * the worker runs it, its status lands in PostgreSQL through the real projection activity, its
 * history replays deterministically, and the startup reconciler repairs stale rows.
 */
@ExtendWith(LocalPlatformExtension.class)
class WorkflowHarnessTest {

  @Test
  void workflowRunsOnTheWorkerAndProjectsItsStatus(LocalPlatform platform) throws Exception {
    WorkflowClient client = platform.apiContext().getBean(WorkflowClient.class);
    String id = "probe-" + UUID.randomUUID();
    ProbeWorkflow probe =
        client.newWorkflowStub(
            ProbeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.PLATFORM)
                .setStaticSummary("Harness probe")
                .build());
    WorkflowClient.start(probe::run, "tenant-a", "user-1");

    await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(status(platform, id)));
    assertThat(probe.stage()).isEqualTo("waiting");

    probe.finish("all good");
    assertThat(
            WorkflowStub.fromTyped(probe)
                .getResult(30, java.util.concurrent.TimeUnit.SECONDS, String.class))
        .isEqualTo("finished: all good");
    await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(status(platform, id)));
    assertThat(details(platform, id)).isEqualTo("all good");

    var description = client.newUntypedWorkflowStub(id).describe();
    assertThat(description.getTypedSearchAttributes().get(ShipyardSearchAttributes.TENANT))
        .isEqualTo("tenant-a");
    assertThat(description.getTypedSearchAttributes().get(ShipyardSearchAttributes.STATUS))
        .isEqualTo("completed");

    WorkflowExecutionHistory history = client.fetchHistory(id);
    WorkflowReplayer.replayWorkflowExecution(history, ProbeWorkflowImpl.class);
  }

  @Test
  void projectionIgnoresUpdatesOlderThanTheStoredOneAndKeepsClosedRunsClosed(
      LocalPlatform platform) {
    ProjectionActivities projection = platform.workerContext().getBean(ProjectionActivities.class);
    String id = "projection-" + UUID.randomUUID();
    projection.recordRun(new RunProjection(id, "probe", "t", "u", RunStatus.RUNNING, "one", 1));
    projection.recordRun(new RunProjection(id, "probe", "t", "u", RunStatus.COMPLETED, "two", 2));
    // A retried or replayed older update must not move the row back.
    projection.recordRun(new RunProjection(id, "probe", "t", "u", RunStatus.RUNNING, "one", 1));
    projection.recordRun(new RunProjection(id, "probe", "t", "u", RunStatus.COMPLETED, "two", 2));

    assertThat(status(platform, id)).isEqualTo("completed");
    assertThat(details(platform, id)).isEqualTo("two");

    // A closed run stays closed, even for a newer update (a cancel after the capsule was stored).
    projection.recordRun(new RunProjection(id, "probe", "t", "u", RunStatus.CANCELLED, "three", 3));
    assertThat(status(platform, id)).isEqualTo("completed");
    assertThat(details(platform, id)).isEqualTo("two");
  }

  @Test
  void reconcilerFailsRunsWhoseWorkflowIsGoneOrClosed(LocalPlatform platform) {
    DatabaseClient db = platform.apiContext().getBean(DatabaseClient.class);
    String ghost = "ghost-" + UUID.randomUUID();
    insertRunning(db, ghost);

    WorkflowClient client = platform.apiContext().getBean(WorkflowClient.class);
    String terminated = "probe-" + UUID.randomUUID();
    ProbeWorkflow probe =
        client.newWorkflowStub(
            ProbeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(terminated)
                .setTaskQueue(TaskQueues.PLATFORM)
                .build());
    WorkflowClient.start(probe::run, "tenant-a", "user-1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "running".equals(status(platform, terminated)));
    client.newUntypedWorkflowStub(terminated).terminate("test");

    Long changed = platform.apiContext().getBean(WorkflowRunReconciler.class).reconcile().block();

    assertThat(changed).isGreaterThanOrEqualTo(2);
    assertThat(status(platform, ghost)).isEqualTo("failed");
    assertThat(details(platform, ghost)).contains("no longer exists in Temporal");
    assertThat(status(platform, terminated)).isEqualTo("failed");
    assertThat(details(platform, terminated)).isEqualTo("closed in Temporal as terminated");
  }

  private static void insertRunning(DatabaseClient db, String id) {
    db.sql("INSERT INTO workflow_runs (workflow_id, kind, status) VALUES (:id, 'probe', 'running')")
        .bind("id", id)
        .fetch()
        .rowsUpdated()
        .block();
  }

  private static String status(LocalPlatform platform, String id) {
    return column(platform, id, "status");
  }

  private static String details(LocalPlatform platform, String id) {
    return column(platform, id, "details");
  }

  private static String column(LocalPlatform platform, String id, String column) {
    Map<String, Object> row =
        platform
            .apiContext()
            .getBean(DatabaseClient.class)
            .sql("SELECT status, details FROM workflow_runs WHERE workflow_id = :id")
            .bind("id", id)
            .fetch()
            .one()
            .block();
    return row == null ? null : (String) row.get(column);
  }
}
