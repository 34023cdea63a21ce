package dev.shipyard.workflows.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import dev.shipyard.workflows.tasks.TaskEvent;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every branch of {@link BuildWorkflowImpl} with mocked activities ({@link BuildBranch}). */
class BuildWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = BuildHarness.extension();

  private BuildHarness harness;

  private BuildHarness harness(TestWorkflowEnvironment env) {
    harness = new BuildHarness(env);
    return harness;
  }

  @AfterEach
  void release() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aBuildPreparesBuildsAndCompletesWithItsResults(TestWorkflowEnvironment env)
      throws Exception {
    BuildHarness h = harness(env);
    BuildHarness.Outcome outcome = BuildBranch.COMPLETED.drive(h);

    assertThat(outcome.failure()).isNull();
    assertThat(outcome.result().status()).isEqualTo(BuildStatus.COMPLETED);
    assertThat(outcome.result().results()).isEqualTo(BuildBranch.RESULTS);
    assertThat(h.calls())
        .containsExactly(
            "recordRun running/initializing",
            "append progress/initializing",
            "append progress/initializing",
            "prepare",
            "recordRun running/running",
            "append progress/running",
            "append progress/running",
            "run",
            "recordRun completed/Building and testing",
            "append completion/completed");
    List<RunProjection> runs = h.projections();
    assertThat(runs).extracting(RunProjection::sequence).containsExactly(1L, 2L, 3L);
    assertThat(runs)
        .allSatisfy(
            r -> {
              assertThat(r.workflowId()).isEqualTo(outcome.workflowId());
              assertThat(r.kind()).isEqualTo("build");
            });
    TaskEvent completion = h.events(TaskEvent.COMPLETION).get(0);
    assertThat(completion.progress()).isEqualTo(100);
    assertThat(completion.data()).containsKey("results");
    assertThat(h.state(outcome.workflowId()).status()).isEqualTo(BuildStatus.COMPLETED);
    assertThat(h.currentDetails(outcome.workflowId()))
        .contains("Built capsule cap-b123", "12 test(s) passed");
  }

  @Test
  void aFailedStepFailsTheBuildNamingTheStep(TestWorkflowEnvironment env) throws Exception {
    BuildHarness h = harness(env);
    BuildHarness.Outcome outcome = BuildBranch.STEP_FAILED.drive(h);

    assertThat(outcome.result()).isNull();
    assertThat(outcome.failure().getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure failure = (ApplicationFailure) outcome.failure().getCause();
    assertThat(failure.getType()).isEqualTo("BUILD_FAILED");
    assertThat(failure.getOriginalMessage())
        .isEqualTo("Building and testing failed: " + BuildBranch.TESTS_FAILED_MESSAGE);
    RunProjection last = h.projections().get(h.projections().size() - 1);
    assertThat(last.status()).isEqualTo(RunStatus.FAILED);
    assertThat(last.error()).contains("Building and testing failed", "3 test(s) failed");
    assertThat(h.events(TaskEvent.ERROR))
        .singleElement()
        .satisfies(e -> assertThat(e.status()).isEqualTo("failed"));
    verify(h.records()).recordPartial(eq(outcome.request().taskId()), any());
    assertThat(h.events(TaskEvent.COMPLETION)).isEmpty();
  }

  @Test
  void aCancelSignalDuringTheStepCancelsItThroughItsHeartbeat(TestWorkflowEnvironment env)
      throws Exception {
    BuildHarness h = harness(env);
    BuildHarness.Outcome outcome = BuildBranch.CANCELLED_MID_STEP.drive(h);

    assertThat(outcome.failure()).isNull();
    assertThat(outcome.result().status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(h.sawCancel).as("the step learnt of the cancel by its heartbeat").isTrue();
    assertThat(outcome.result().results().capsuleId()).isEqualTo("cap-b123");
    RunProjection last = h.projections().get(h.projections().size() - 1);
    assertThat(last.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(last.error())
        .isEqualTo("cancelled by alice: wrong goal during Building and testing");
    // The cancel is recorded only after the step ended (WAIT_CANCELLATION_COMPLETED).
    List<String> calls = h.calls();
    assertThat(calls.subList(calls.indexOf("run"), calls.size()))
        .containsExactly(
            "run",
            "recordPartial",
            "recordRun cancelled/Building and testing",
            "append error/cancelled");
    BuildState state = h.state(outcome.workflowId());
    assertThat(state.status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(state.cancelRequestedBy()).isEqualTo("alice");
  }

  @Test
  void aCancelBeforeAnyStepEndsTheBuildAtOnce(TestWorkflowEnvironment env) throws Exception {
    BuildHarness h = harness(env);
    BuildHarness.Outcome outcome = BuildBranch.CANCELLED_BEFORE_START.drive(h);

    assertThat(outcome.result().status()).isEqualTo(BuildStatus.CANCELLED);
    verify(h.project(), never()).prepare(any());
    verify(h.steps(), never()).run(any(), any());
    RunProjection last = h.projections().get(h.projections().size() - 1);
    assertThat(last.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(last.error()).startsWith("cancelled by alice");
  }
}
