package dev.shipyard.workflows.capsules;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.when;

import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every branch of {@link CapsuleGenerationWorkflowImpl}, as mock stubbings. The tests assert each
 * one; {@link CapsuleReplayCorpusRecorder} records each one's history into the replay corpus under
 * {@link #fileName()}. A new branch of the workflow gets a constant here, a test, and a recording.
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
      when(h.engine().refine(any(), any(), any(), any())).thenReturn(SECOND);
      return request("refine-until-target", 5, null);
    }
  },
  /** The engine returns the same files: a further round would repeat this one. */
  ENGINE_GIVES_UP {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, NOT_READY);
      when(h.engine().refine(any(), any(), any(), any())).thenReturn(FIRST);
      return request("engine-gives-up", 5, null);
    }
  },
  MAX_ITERATIONS_REACHED {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, NOT_READY, STILL_NOT_READY, NOT_READY_AGAIN);
      when(h.engine().refine(any(), any(), any(), any())).thenReturn(SECOND, THIRD);
      return request("max-iterations-reached", 3, null);
    }
  },
  /** Validation finds the request impossible: a non-retryable typed failure. */
  VALIDATION_FAILURE {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h);
      when(h.validation().validate(any(), any(), any()))
          .thenThrow(typed(GenerationFailure.UNSUPPORTED_REQUEST, VALIDATION_FAILURE_MESSAGE));
      return request("validation-failure", 5, null);
    }
  },
  /** The engine refuses for good (an LLM's 401): a non-retryable typed failure. */
  ENGINE_UNAVAILABLE {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h);
      when(h.engine().generate(any(), any()))
          .thenThrow(typed(GenerationFailure.ENGINE_UNAVAILABLE, ENGINE_UNAVAILABLE_MESSAGE));
      return request("engine-unavailable", 5, null);
    }
  },
  /** The receiver never answers: the capsule stays stored, the details name the failure. */
  WEBHOOK_FAILURE {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, READY);
      doThrow(typed(GenerationFailure.WEBHOOK_FAILED, WEBHOOK_FAILURE_MESSAGE))
          .when(h.events())
          .emitCreated(any(), anyDouble());
      return request("webhook-failure", 5, "https://hooks.example.com/capsules");
    }
  },
  CANCELLED_DURING_PLAN(Step.PLAN) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h);
      doAnswer(h.blocking()).when(h.engine()).plan(any());
      return request("cancelled-during-plan", 5, null);
    }
  },
  CANCELLED_DURING_GENERATE(Step.GENERATE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h);
      doAnswer(h.blocking()).when(h.engine()).generate(any(), any());
      return request("cancelled-during-generate", 5, null);
    }
  },
  CANCELLED_DURING_VALIDATE(Step.VALIDATE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h);
      doAnswer(h.blocking()).when(h.validation()).validate(any(), any(), any());
      return request("cancelled-during-validate", 5, null);
    }
  },
  CANCELLED_DURING_REFINE(Step.REFINE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, NOT_READY);
      doAnswer(h.blocking()).when(h.engine()).refine(any(), any(), any(), any());
      return request("cancelled-during-refine", 5, null);
    }
  },
  CANCELLED_DURING_STORE(Step.STORE) {
    @Override
    GenerationRequest stub(CapsuleHarness h) {
      onTheWayTo(h, READY);
      doAnswer(h.blocking()).when(h.storage()).store(any(), any(), any(), any(), anyList());
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

  static final String VALIDATION_FAILURE_MESSAGE = "No validator for stack 'cobol-cics'";
  static final String ENGINE_UNAVAILABLE_MESSAGE = "LLM endpoint answered 401 Unauthorized";
  static final String WEBHOOK_FAILURE_MESSAGE = "Connection refused: hooks.example.com";

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

  static final ValidationSummary READY = report("aaaa", 0.95, true);
  static final ValidationSummary NOT_READY = report("bbbb", 0.6, false);
  static final ValidationSummary STILL_NOT_READY = report("cccc", 0.7, false);
  static final ValidationSummary NOT_READY_AGAIN = report("dddd", 0.75, false);

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
    return name().toLowerCase(Locale.ROOT).replace('_', '-') + ".json";
  }

  /** What the activities throw for a typed failure (as {@code CapsuleFailures.of} does). */
  static ApplicationFailure typed(GenerationFailure type, String message) {
    return type.retryable()
        ? ApplicationFailure.newFailure(message, type.name())
        : ApplicationFailure.newNonRetryableFailure(message, type.name());
  }

  static String versionKey(String capsuleId) {
    return "capsules/" + capsuleId + "/versions/" + FIRST.digest() + ".json";
  }

  /**
   * Every step succeeds: plan, generate (the first files), validation answering the given reports
   * in turn (unstubbed without any), store, emit; the projection accepts every write.
   */
  private static void onTheWayTo(CapsuleHarness h, ValidationSummary... reports) {
    when(h.engine().plan(any())).thenReturn(PLAN);
    when(h.engine().generate(any(), any())).thenReturn(FIRST);
    if (reports.length > 0) {
      when(h.validation().validate(any(), any(), any()))
          .thenReturn(reports[0], Arrays.copyOfRange(reports, 1, reports.length));
    }
    when(h.storage().store(any(), any(), any(), any(), anyList()))
        .then(i -> versionKey(((GenerationRequest) i.getArgument(0)).capsuleId()));
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

  static ValidationSummary report(String digestPrefix, double score, boolean productionReady) {
    List<String> issues =
        productionReady ? List.of() : List.of("python.compile:app/main.py: invalid syntax");
    List<String> recommendations =
        productionReady ? List.of("Capsule meets quality targets") : List.of("Fix the syntax");
    return new ValidationSummary(
        score,
        productionReady,
        productionReady,
        issues,
        issues.size(),
        recommendations,
        recommendations.size(),
        12,
        "reports/sha256/" + digestPrefix.repeat(16) + ".json");
  }
}
