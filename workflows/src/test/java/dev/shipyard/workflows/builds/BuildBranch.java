package dev.shipyard.workflows.builds;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every branch of {@link BuildWorkflowImpl}, as mock stubbings. {@link BuildWorkflowTest} asserts
 * each; {@link BuildReplayCorpusRecorder} records each one's history under {@link #fileName()}.
 */
enum BuildBranch {
  COMPLETED {
    @Override
    BuildHarness.Outcome drive(BuildHarness h) {
      prepared(h);
      when(h.steps().run(any(), any())).thenReturn(RESULTS);
      return h.run(request("completed"));
    }
  },
  /** The tests ran and failed: a non-retryable typed failure of the build step. */
  STEP_FAILED {
    @Override
    BuildHarness.Outcome drive(BuildHarness h) {
      prepared(h);
      when(h.steps().run(any(), any()))
          .thenThrow(
              ApplicationFailure.newNonRetryableFailure(
                  TESTS_FAILED_MESSAGE, BuildFailure.TESTS_FAILED.name()));
      return h.run(request("step-failed"));
    }
  },
  /** The cancel signal arrives while the build step runs: the step sees it by its heartbeat. */
  CANCELLED_MID_STEP {
    @Override
    BuildHarness.Outcome drive(BuildHarness h) throws InterruptedException {
      prepared(h);
      when(h.steps().run(any(), any())).thenAnswer(h.heartbeatingUntilCancelled());
      return h.runAndCancelInStep(request("cancelled-mid-step"), CANCEL);
    }
  },
  /** The cancel signal is there before any step: nothing runs. */
  CANCELLED_BEFORE_START {
    @Override
    BuildHarness.Outcome drive(BuildHarness h) {
      prepared(h);
      return h.runCancelledAtStart(request("cancelled-before-start"), CANCEL);
    }
  };

  static final String TESTS_FAILED_MESSAGE = "3 test(s) failed, 9 passed (see the build log)";
  static final CancelRequest CANCEL = new CancelRequest("alice", "wrong goal");

  static final PreparedProject PROJECT =
      new PreparedProject(
          "cap-b123",
          "capsules/cap-b123/versions/v1.json",
          "manifests/sha256/abc.json",
          "python-fastapi",
          true,
          3,
          List.of("app/main.py", "requirements.txt", "tests/test_api.py"),
          "Generated 3 files (python-fastapi) from the goal");

  static final BuildResults RESULTS =
      new BuildResults(
          "cap-b123",
          "capsules/cap-b123/versions/v1.json",
          PROJECT.changedFiles(),
          12,
          0,
          87.5,
          "python",
          List.of("Running tests: exited (python3, exit 0, 900 ms)"),
          null,
          "builds/t/build.log",
          List.of("test_create_user"));

  abstract BuildHarness.Outcome drive(BuildHarness h) throws InterruptedException;

  String fileName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-') + ".json";
  }

  private static void prepared(BuildHarness h) {
    when(h.project().prepare(any())).thenReturn(PROJECT);
  }

  static BuildRequest request(String name) {
    return new BuildRequest(
        "00000000-0000-4000-8000-" + String.format("%012d", Math.abs(name.hashCode()) % 1000000L),
        "default",
        "11111111-1111-4111-8111-111111111111",
        "alice",
        "shop-" + name,
        "Add authentication module with JWT",
        Map.of("framework", "fastapi"),
        null);
  }
}
