package dev.shipyard.workflows.capsules;

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
 * Records one history per {@link CapsuleBranch} into the replay corpus ({@code
 * replay/CapsuleGenerationWorkflow/<branch>.json}), from the current code. Not part of the normal
 * build (tag {@value ReplayCorpus#RECORD_TAG}); run with {@code ./mvnw -B -pl workflows -am test
 * -Dshipyard.replay.record=true} (README, "Workflow tests and the replay corpus").
 */
@Tag(ReplayCorpus.RECORD_TAG)
@EnabledIfSystemProperty(named = "shipyard.replay.record", matches = "true")
class CapsuleReplayCorpusRecorder {

  @RegisterExtension static final TestWorkflowExtension temporal = CapsuleHarness.extension();

  @ParameterizedTest(name = "{0}")
  @EnumSource(CapsuleBranch.class)
  void record(CapsuleBranch branch, TestWorkflowEnvironment env) throws Exception {
    CapsuleHarness harness = new CapsuleHarness(env);
    CapsuleHarness.Outcome outcome;
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
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    // A clean recording: no workflow task failed (a slow first task, an exception in workflow
    // code), and it replays against the code that made it.
    assertThat(history.getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    ReplayCorpus.replay(history, CapsuleGenerationWorkflowImpl.class);

    Path file = ReplayCorpus.write(history, branch.fileName());
    System.out.println("Recorded " + file);
  }
}
