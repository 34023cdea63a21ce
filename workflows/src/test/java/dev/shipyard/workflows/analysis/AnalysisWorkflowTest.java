package dev.shipyard.workflows.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.verify;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import dev.shipyard.workflows.tasks.TaskEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/** Every branch of the analysis workflow, with mocked activities. */
class AnalysisWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = AnalysisHarness.extension();

  private static List<RunProjection> projections(AnalysisHarness harness, int times) {
    ArgumentCaptor<RunProjection> runs = ArgumentCaptor.forClass(RunProjection.class);
    verify(harness.projection(), atLeast(times)).recordRun(runs.capture());
    return runs.getAllValues();
  }

  private static List<TaskEvent> events(AnalysisHarness harness, int times) {
    ArgumentCaptor<TaskEvent> events = ArgumentCaptor.forClass(TaskEvent.class);
    verify(harness.events(), atLeast(times)).append(events.capture());
    return events.getAllValues();
  }

  @Test
  void completedRecordsRunningThenCompletedWithTheSummary(TestWorkflowEnvironment env)
      throws Exception {
    try (AnalysisHarness harness = new AnalysisHarness(env)) {
      AnalysisHarness.Outcome outcome = harness.drive(AnalysisHarness.Branch.COMPLETED);

      assertThat(outcome.summary()).isEqualTo(AnalysisHarness.SUMMARY);
      assertThat(outcome.workflowId()).isEqualTo("analysis-a-completed");
      assertThat(projections(harness, 2))
          .extracting(
              RunProjection::workflowId,
              RunProjection::kind,
              RunProjection::status,
              RunProjection::sequence)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "analysis-a-completed", "analysis", RunStatus.RUNNING, 1L),
              org.assertj.core.groups.Tuple.tuple(
                  "analysis-a-completed", "analysis", RunStatus.COMPLETED, 2L));
      List<TaskEvent> events = events(harness, 2);
      assertThat(events)
          .extracting(TaskEvent::type)
          .containsExactly(TaskEvent.PROGRESS, TaskEvent.COMPLETION);
      assertThat(events.get(1).data())
          .containsEntry("quality_score", 7.5)
          .containsEntry("analyzers_missing", List.of("bandit"));
      var order = inOrder(harness.projection(), harness.analysis());
      order.verify(harness.projection()).recordRun(org.mockito.ArgumentMatchers.any());
      order.verify(harness.analysis()).analyze(org.mockito.ArgumentMatchers.any());

      // the Web UI: search attributes and the static summary
      var description =
          env.getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(env.getNamespace())
                      .setExecution(
                          WorkflowStub.fromTyped(
                                  harness
                                      .client()
                                      .newWorkflowStub(
                                          AnalysisWorkflow.class, outcome.workflowId()))
                              .getExecution())
                      .build());
      assertThat(description.getWorkflowExecutionInfo().getSearchAttributes().getIndexedFieldsMap())
          .containsKeys(
              ShipyardSearchAttributes.KIND.getName(), ShipyardSearchAttributes.STATUS.getName());
    }
  }

  @Test
  void aTypedFailureIsRecordedFailedWithItsReason(TestWorkflowEnvironment env) throws Exception {
    try (AnalysisHarness harness = new AnalysisHarness(env)) {
      AnalysisHarness.Outcome outcome = harness.drive(AnalysisHarness.Branch.FAILED);

      assertThat(outcome.failure()).isNotNull();
      List<RunProjection> runs = projections(harness, 2);
      assertThat(runs.get(runs.size() - 1).status()).isEqualTo(RunStatus.FAILED);
      assertThat(runs.get(runs.size() - 1).error()).isEqualTo("Missing manifest");
      List<TaskEvent> events = events(harness, 2);
      assertThat(events.get(events.size() - 1).type()).isEqualTo(TaskEvent.ERROR);
      assertThat(events.get(events.size() - 1).data()).containsEntry("error", "Missing manifest");
      // not retried: a non-retryable typed failure
      verify(harness.analysis(), org.mockito.Mockito.times(1))
          .analyze(org.mockito.ArgumentMatchers.any());
    }
  }

  @Test
  void aCancelDuringTheAnalysisIsRecordedCancelled(TestWorkflowEnvironment env) throws Exception {
    try (AnalysisHarness harness = new AnalysisHarness(env)) {
      AnalysisHarness.Outcome outcome = harness.drive(AnalysisHarness.Branch.CANCELLED);

      assertThat(outcome.failure()).isNotNull();
      List<RunProjection> runs = projections(harness, 2);
      assertThat(runs.get(runs.size() - 1).status()).isEqualTo(RunStatus.CANCELLED);
      List<TaskEvent> events = events(harness, 2);
      assertThat(events.get(events.size() - 1).status()).isEqualTo("cancelled");
    }
  }
}
