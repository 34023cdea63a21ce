package dev.shipyard.workflows.capsules;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import dev.shipyard.workflows.replay.ReplayCorpus;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.worker.NonDeterministicException;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Proves the replay corpus catches what it is there for. Test-only variants of the capsule workflow
 * are registered under the same workflow type ({@code CapsuleGenerationWorkflow}) and replay a
 * recorded history of the corpus: a change in the order of activities, or a step added without
 * {@code Workflow.getVersion}, fails with Temporal's non-determinism error; the same step behind
 * {@code getVersion} replays (workflows/VERSIONING.md). The replayer reports the mismatch as a
 * {@code RuntimeException} whose message carries Temporal's {@code NonDeterministicException}.
 */
class NonDeterministicChangeTest {

  private static final String HISTORY = "replay/CapsuleGenerationWorkflow/success-one-round.json";

  @Test
  void theRecordedHistoryReplaysWithTheCurrentCode() {
    assertThatCode(() -> ReplayCorpus.replay(history(), CapsuleGenerationWorkflowImpl.class))
        .doesNotThrowAnyException();
  }

  @Test
  void swappingTwoActivitiesFailsTheReplay() {
    assertThatThrownBy(() -> ReplayCorpus.replay(history(), GenerateBeforePlan.class))
        // Temporal names both: the activity type the changed code scheduled and the recorded one.
        .hasMessageContainingAll(
            NonDeterministicException.class.getName(),
            "check activityType",
            "expected value 'name: \"CapsuleEngineGenerate\"",
            "actual value 'name: \"CapsuleEnginePlan\"");
  }

  @Test
  void aStepAddedWithoutGetVersionFailsTheReplay() {
    assertThatThrownBy(() -> ReplayCorpus.replay(history(), UnversionedPause.class))
        .hasMessageContainingAll(
            NonDeterministicException.class.getName(),
            "does not match command type COMMAND_TYPE_START_TIMER");
  }

  @Test
  void theSameStepBehindGetVersionReplays() {
    assertThatCode(() -> ReplayCorpus.replay(history(), VersionedPause.class))
        .doesNotThrowAnyException();
  }

  private static WorkflowExecutionHistory history() throws IOException {
    try (InputStream in =
        NonDeterministicChangeTest.class.getClassLoader().getResourceAsStream(HISTORY)) {
      if (in == null) {
        throw new IllegalStateException(HISTORY + " is missing: record the corpus (README, Tests)");
      }
      return WorkflowExecutionHistory.fromJson(
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Today's workflow up to its first step, with the deliberate change: {@code generate} is
   * scheduled before {@code plan}. (Replay stops at the first mismatch, so the rest is not needed.)
   */
  public static class GenerateBeforePlan implements CapsuleGenerationWorkflow {

    private final CapsuleEngineActivities engine =
        Workflow.newActivityStub(
            CapsuleEngineActivities.class, WorkerRegistry.options(CapsuleEngineActivities.class));
    private final ProjectionActivities projection =
        Workflow.newActivityStub(
            ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

    @Override
    public GenerationResult generate(GenerationRequest request) {
      Workflow.upsertTypedSearchAttributes(
          ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
          ShipyardSearchAttributes.OWNER.valueSet(request.userId()),
          ShipyardSearchAttributes.KIND.valueSet(CapsuleStatus.KIND));
      Workflow.upsertTypedSearchAttributes(
          ShipyardSearchAttributes.STATUS.valueSet(CapsuleStatus.PLANNING.value()));
      projection.recordRun(
          new RunProjection(
              request.workflowId(),
              CapsuleStatus.KIND,
              request.tenantId(),
              request.userId(),
              RunStatus.RUNNING,
              CapsuleStatus.PLANNING.value(),
              "Planning",
              null,
              1));
      FileSet files = engine.generate(request, null); // was: plan first
      ProjectPlan plan = engine.plan(request);
      throw new IllegalStateException("not reached in replay: " + files + plan);
    }

    @Override
    public GenerationProgress progress() {
      return null;
    }
  }

  /** Today's workflow with a pause added in front, unguarded. */
  public static class UnversionedPause implements CapsuleGenerationWorkflow {

    private final CapsuleGenerationWorkflow current = new CapsuleGenerationWorkflowImpl();

    @Override
    public GenerationResult generate(GenerationRequest request) {
      Workflow.sleep(Duration.ofSeconds(1));
      return current.generate(request);
    }

    @Override
    public GenerationProgress progress() {
      return current.progress();
    }
  }

  /** The same pause behind {@code Workflow.getVersion}: histories recorded before it skip it. */
  public static class VersionedPause implements CapsuleGenerationWorkflow {

    private final CapsuleGenerationWorkflow current = new CapsuleGenerationWorkflowImpl();

    @Override
    public GenerationResult generate(GenerationRequest request) {
      if (Workflow.getVersion("pause-before-plan", Workflow.DEFAULT_VERSION, 1) >= 1) {
        Workflow.sleep(Duration.ofSeconds(1));
      }
      return current.generate(request);
    }

    @Override
    public GenerationProgress progress() {
      return current.progress();
    }
  }
}
