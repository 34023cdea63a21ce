package dev.shipyard.workflows.capsules;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.when;

import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;

/**
 * Every branch of {@link CapsuleGenerationWorkflowImpl}, as mock stubbings. The tests assert each
 * one; {@link CapsuleReplayCorpusRecorder} records each one's history into the replay corpus under
 * {@link #fileName()}.
 */
enum CapsuleBranch {
  SUCCESS_ONE_ROUND {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, READY);
      return request("success-one-round", 5, null);
    }
  },
  REFINE_UNTIL_TARGET {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, NOT_READY, READY);
      when(h.activities.refine(any(), any(), any(), any())).thenReturn(SECOND);
      return request("refine-until-target", 5, null);
    }
  },
  /** The engine returns the same files: a further round would repeat this one. */
  ENGINE_GIVES_UP {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, NOT_READY);
      when(h.activities.refine(any(), any(), any(), any())).thenReturn(FIRST);
      return request("engine-gives-up", 5, null);
    }
  },
  MAX_ITERATIONS_REACHED {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, NOT_READY, STILL_NOT_READY, NOT_READY_AGAIN);
      when(h.activities.refine(any(), any(), any(), any())).thenReturn(SECOND, THIRD);
      return request("max-iterations-reached", 3, null);
    }
  },
  /** Validation cannot run on this project at all: a non-retryable failure type. */
  VALIDATION_FAILURE {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h);
      when(h.activities.validate(any(), any(), any()))
          .thenThrow(
              ApplicationFailure.newFailure(
                  VALIDATION_FAILURE_MESSAGE, GenerationFailure.UNSUPPORTED_REQUEST.name()));
      return request("validation-failure", 5, null);
    }
  },
  /** The engine refuses for good (an LLM's 401): a non-retryable failure type. */
  ENGINE_UNAVAILABLE {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      when(h.activities.plan(any())).thenReturn(PLAN);
      when(h.activities.generate(any(), any()))
          .thenThrow(
              ApplicationFailure.newFailure(
                  ENGINE_UNAVAILABLE_MESSAGE, GenerationFailure.ENGINE_UNAVAILABLE.name()));
      return request("engine-unavailable", 5, null);
    }
  },
  /** The receiver never answers: the capsule stays stored, the details name the failure. */
  WEBHOOK_FAILURE {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, READY);
      doThrow(new IllegalStateException(WEBHOOK_FAILURE_MESSAGE))
          .when(h.activities)
          .emitCreated(any(), anyDouble());
      return request("webhook-failure", 5, "https://hooks.example.com/capsules");
    }
  },
  CANCELLED_DURING_PLAN(Step.PLAN) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      doAnswer(h.blocking()).when(h.activities).plan(any());
      return request("cancelled-during-plan", 5, null);
    }
  },
  CANCELLED_DURING_GENERATE(Step.GENERATE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      when(h.activities.plan(any())).thenReturn(PLAN);
      doAnswer(h.blocking()).when(h.activities).generate(any(), any());
      return request("cancelled-during-generate", 5, null);
    }
  },
  CANCELLED_DURING_VALIDATE(Step.VALIDATE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h);
      doAnswer(h.blocking()).when(h.activities).validate(any(), any(), any());
      return request("cancelled-during-validate", 5, null);
    }
  },
  CANCELLED_DURING_REFINE(Step.REFINE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, NOT_READY);
      doAnswer(h.blocking()).when(h.activities).refine(any(), any(), any(), any());
      return request("cancelled-during-refine", 5, null);
    }
  },
  CANCELLED_DURING_STORE(Step.STORE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, READY);
      doAnswer(h.blocking()).when(h.activities).store(any(), any(), any(), any(), anyList());
      return request("cancelled-during-store", 5, null);
    }
  };

  /** The steps a cancel can arrive in. */
  enum Step {
    PLAN,
    GENERATE,
    VALIDATE,
    REFINE,
    STORE
  }

  static final String VALIDATION_FAILURE_MESSAGE = "The validator cannot read this project";
  static final String ENGINE_UNAVAILABLE_MESSAGE = "LLM endpoint answered 401 Unauthorized";
  static final String WEBHOOK_FAILURE_MESSAGE = "Connection refused: hooks.example.com";
  static final String VERSION_KEY = "capsules/%s/versions/v1.json";

  static final ProjectPlan PLAN =
      new ProjectPlan(
          "user-management-service",
          "python-fastapi",
          "python",
          "fastapi",
          "none",
          List.of("auth", "crud", "tests"),
          List.of("user"));

  static final FileSet FIRST = files("1111");
  static final FileSet SECOND = files("2222");
  static final FileSet THIRD = files("3333");

  static final ValidationReport READY = report(0.95, true);
  static final ValidationReport NOT_READY = report(0.6, false);
  static final ValidationReport STILL_NOT_READY = report(0.7, false);
  static final ValidationReport NOT_READY_AGAIN = report(0.75, false);

  private final Step cancelledDuring;

  CapsuleBranch() {
    this(null);
  }

  CapsuleBranch(Step cancelledDuring) {
    this.cancelledDuring = cancelledDuring;
  }

  /** Stubs the harness's activities for this branch and returns the request that takes it. */
  abstract GenerationRequest stub(CapsuleHarness harness);

  /** The step a cancel arrives in, or null when the branch runs to its end. */
  Step cancelledDuring() {
    return cancelledDuring;
  }

  /** Stubs and runs the branch (cancelling it where it is cancelled). */
  CapsuleHarness.Outcome drive(CapsuleHarness harness) throws InterruptedException {
    GenerationRequest request = stub(harness);
    return cancelledDuring == null
        ? harness.run(request)
        : harness.runAndCancelInBlockingStep(request);
  }

  /** The branch's history in the corpus: {@code replay/CapsuleGenerationWorkflow/<name>.json}. */
  String fileName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ".json";
  }

  /**
   * Plan and generate succeed; validation answers the given reports in turn; store returns the
   * version key. With no report, only plan and generate are stubbed (plus store).
   */
  private static void onTheWayTo(CapsuleHarness h, ValidationReport... reports) {
    when(h.activities.plan(any())).thenReturn(PLAN);
    when(h.activities.generate(any(), any())).thenReturn(FIRST);
    if (reports.length > 0) {
      when(h.activities.validate(any(), any(), any()))
          .thenReturn(reports[0], java.util.Arrays.copyOfRange(reports, 1, reports.length));
    }
    when(h.activities.store(any(), any(), any(), any(), anyList()))
        .then(
            invocation ->
                VERSION_KEY.formatted(((GenerationRequest) invocation.getArgument(0)).capsuleId()));
    doAnswer(invocation -> null).when(h.activities).emitCreated(any(), anyDouble());
  }

  static GenerationRequest request(String capsuleId, int maxIterations, String webhookUrl) {
    return new GenerationRequest(
        capsuleId,
        "req-" + capsuleId,
        "tenant-a",
        "user-a",
        "Create a FastAPI microservice for user management",
        "authentication, CRUD",
        Map.of("language", "python"),
        0.9,
        maxIterations,
        "offline",
        webhookUrl);
  }

  static FileSet files(String digestPrefix) {
    String digest = digestPrefix.repeat(16);
    return new FileSet(
        "manifests/sha256/" + digest + ".json",
        digest,
        3,
        4_096,
        List.of("Dockerfile", "app/main.py", "tests/test_main.py"));
  }

  static ValidationReport report(double score, boolean productionReady) {
    List<String> issues =
        productionReady ? List.of() : List.of("python.compile:app/main.py: invalid syntax");
    List<CheckResult> checks =
        List.of(
            new CheckResult(
                "python.compile:app/main.py",
                "compile",
                "app/main.py",
                productionReady ? CheckStatus.PASSED : CheckStatus.FAILED,
                true,
                1.0,
                productionReady ? "compiles" : "invalid syntax",
                productionReady ? null : "Fix the syntax error"));
    return new ValidationReport(
        score,
        productionReady,
        productionReady,
        issues,
        productionReady
            ? List.of("Capsule meets quality targets")
            : List.of("Fix the syntax error"),
        checks);
  }
}
