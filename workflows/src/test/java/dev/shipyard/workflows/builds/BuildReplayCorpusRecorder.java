package dev.shipyard.workflows.builds;

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
 * Records one history per {@link BuildBranch} into the replay corpus ({@code
 * replay/BuildWorkflow/<branch>.json}); run with {@code -Dshipyard.replay.record=true}.
 */
@Tag(ReplayCorpus.RECORD_TAG)
@EnabledIfSystemProperty(named = "shipyard.replay.record", matches = "true")
class BuildReplayCorpusRecorder {

  @RegisterExtension static final TestWorkflowExtension temporal = BuildHarness.extension();

  @ParameterizedTest(name = "{0}")
  @EnumSource(BuildBranch.class)
  void record(BuildBranch branch, TestWorkflowEnvironment env) throws Exception {
    BuildHarness harness = new BuildHarness(env);
    BuildHarness.Outcome outcome;
    try {
      outcome = branch.drive(harness);
    } finally {
      harness.close();
    }
    WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(outcome.workflowId());
    assertThat(history.getLastEvent().getEventType())
        .as("a closed run")
        .isIn(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(history.getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    ReplayCorpus.replay(history, BuildWorkflowImpl.class);
    Path file = ReplayCorpus.write(history, branch.fileName());
    System.out.println("Recorded " + file);
  }
}
