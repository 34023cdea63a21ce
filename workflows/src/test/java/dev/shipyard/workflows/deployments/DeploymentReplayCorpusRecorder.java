package dev.shipyard.workflows.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.replay.ReplayCorpus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records one history per {@link DeploymentBranch} into the replay corpus ({@code
 * replay/DeploymentWorkflow/<branch>.json}); run with {@code -Dshipyard.replay.record=true}.
 */
@Tag(ReplayCorpus.RECORD_TAG)
@EnabledIfSystemProperty(named = "shipyard.replay.record", matches = "true")
class DeploymentReplayCorpusRecorder {

  @RegisterExtension static final TestWorkflowExtension temporal = DeploymentHarness.extension();

  /** The first run of {@link DeploymentBranch#CONTINUED_AS_NEW}, recorded next to its last. */
  static final String FIRST_RUN = "continued-as-new-first-run.json";

  @ParameterizedTest(name = "{0}")
  @EnumSource(DeploymentBranch.class)
  void record(DeploymentBranch branch, TestWorkflowEnvironment env) throws Exception {
    DeploymentHarness harness = new DeploymentHarness(env);
    DeploymentInput input;
    try {
      input = branch.run(harness);
    } finally {
      harness.releaseHeld();
    }
    WorkflowExecutionHistory history =
        env.getWorkflowClient().fetchHistory(input.target().workflowId());
    assertThat(history.getLastEvent().getEventType())
        .as("a closed run")
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(history.getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    ReplayCorpus.replay(history, DeploymentWorkflowImpl.class);
    Path file = ReplayCorpus.write(history, branch.fileName());
    System.out.println("Recorded " + file);
    if (branch == DeploymentBranch.CONTINUED_AS_NEW) {
      // and the first run, which ends by continuing as new
      String firstRun =
          history
              .getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getFirstExecutionRunId();
      WorkflowExecutionHistory first =
          env.getWorkflowClient().fetchHistory(input.target().workflowId(), firstRun);
      assertThat(first.getLastEvent().getEventType())
          .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
      ReplayCorpus.replay(first, DeploymentWorkflowImpl.class);
      System.out.println("Recorded " + ReplayCorpus.write(first, FIRST_RUN));
    }
  }
}
