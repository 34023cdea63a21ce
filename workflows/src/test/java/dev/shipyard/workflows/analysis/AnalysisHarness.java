package dev.shipyard.workflows.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.tasks.TaskEventActivities;
import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The analysis workflow on Temporal's test server with every activity a Mockito mock on its
 * registered task queue; shared by {@link AnalysisWorkflowTest} and {@link
 * AnalysisReplayCorpusRecorder}.
 */
final class AnalysisHarness implements AutoCloseable {

  /** The branches of the analysis workflow; each has a recorded history. */
  enum Branch {
    COMPLETED,
    FAILED,
    CANCELLED;

    String fileName() {
      return name().toLowerCase(java.util.Locale.ROOT) + ".json";
    }
  }

  static final AnalysisSummary SUMMARY =
      new AnalysisSummary(
          7.5,
          2,
          3,
          1,
          6,
          List.of("secret-scanner", "pylint", "mypy"),
          List.of("bandit"),
          "analyses/a1/report.json");

  private final RegistryWorkers workers;
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final TestWorkflowEnvironment env;
  private final String workflowQueue;

  AnalysisHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
    this.workflowQueue = workers.queueOf(AnalysisWorkflowImpl.class);
  }

  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  AnalysisActivities analysis() {
    return workers.activities(AnalysisActivities.class);
  }

  ProjectionActivities projection() {
    return workers.activities(ProjectionActivities.class);
  }

  TaskEventActivities events() {
    return workers.activities(TaskEventActivities.class);
  }

  static AnalysisRequest request(String id) {
    return new AnalysisRequest(
        id,
        "default",
        "00000000-0000-0000-0000-000000000001",
        "alice",
        "my-project",
        "cap-1",
        "v1",
        "manifests/sha256/abc.json",
        List.of("quality", "security", "types"));
  }

  /** The run's end: its result or its failure. */
  record Outcome(String workflowId, AnalysisSummary summary, WorkflowException failure) {}

  /** Drives {@code branch} to its end. */
  Outcome drive(Branch branch) throws InterruptedException {
    AnalysisRequest request = request("a-" + branch.name().toLowerCase(java.util.Locale.ROOT));
    AnalysisWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                AnalysisWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(workflowQueue)
                    .setWorkflowId(request.workflowId())
                    .setStaticSummary("Analysis of my-project for alice")
                    .build());
    switch (branch) {
      case COMPLETED -> when(analysis().analyze(any())).thenReturn(SUMMARY);
      case FAILED ->
          when(analysis().analyze(any()))
              .thenThrow(
                  ApplicationFailure.newNonRetryableFailure(
                      "Missing manifest", AnalysisFailure.PROJECT_FILES_MISSING.name()));
      case CANCELLED ->
          when(analysis().analyze(any()))
              .thenAnswer(
                  invocation -> {
                    entered.countDown();
                    release.await();
                    return null;
                  });
    }
    WorkflowClient.start(workflow::analyze, request);
    WorkflowStub untyped = WorkflowStub.fromTyped(workflow);
    if (branch == Branch.CANCELLED) {
      assertThat(entered.await(30, TimeUnit.SECONDS)).as("the analysis step started").isTrue();
      untyped.cancel();
    }
    try {
      return new Outcome(request.workflowId(), untyped.getResult(AnalysisSummary.class), null);
    } catch (WorkflowException e) {
      return new Outcome(request.workflowId(), null, e);
    }
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  @Override
  public void close() {
    release.countDown();
  }
}
