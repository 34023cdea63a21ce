package dev.shipyard.workflows.webhooks;

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

/** Records one history per webhook delivery branch into {@code replay/WebhookDeliveryWorkflow/}. */
@Tag(ReplayCorpus.RECORD_TAG)
@EnabledIfSystemProperty(named = "shipyard.replay.record", matches = "true")
class WebhookReplayCorpusRecorder {

  @RegisterExtension static final TestWorkflowExtension temporal = WebhookHarness.extension();

  @ParameterizedTest(name = "{0}")
  @EnumSource(WebhookHarness.Branch.class)
  void record(WebhookHarness.Branch branch, TestWorkflowEnvironment env) throws Exception {
    WebhookHarness.Outcome outcome = new WebhookHarness(env).drive(branch);
    WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(outcome.workflowId());
    assertThat(history.getEvents())
        .extracting(HistoryEvent::getEventType)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    ReplayCorpus.replay(history, WebhookDeliveryWorkflowImpl.class);
    Path file = ReplayCorpus.write(history, branch.fileName());
    System.out.println("Recorded " + file);
  }
}
