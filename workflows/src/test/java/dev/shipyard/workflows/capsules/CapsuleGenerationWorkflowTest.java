package dev.shipyard.workflows.capsules;

import static dev.shipyard.workflows.capsules.CapsuleBranch.FIRST;
import static dev.shipyard.workflows.capsules.CapsuleBranch.NOT_READY;
import static dev.shipyard.workflows.capsules.CapsuleBranch.NOT_READY_AGAIN;
import static dev.shipyard.workflows.capsules.CapsuleBranch.PLAN;
import static dev.shipyard.workflows.capsules.CapsuleBranch.READY;
import static dev.shipyard.workflows.capsules.CapsuleBranch.SECOND;
import static dev.shipyard.workflows.capsules.CapsuleBranch.STILL_NOT_READY;
import static dev.shipyard.workflows.capsules.CapsuleBranch.THIRD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.capsules.CapsuleHarness.Outcome;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every branch of the capsule generation workflow with mocked activities, on Temporal's test server
 * (time skipping, so retry back-offs cost nothing). Each test asserts the activity calls in order
 * (status writes included), their arguments and the projected runs; {@link CapsuleBranch} holds the
 * stubbings, from which the replay corpus is recorded.
 */
class CapsuleGenerationWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = CapsuleHarness.extension();

  private static final List<String> UP_TO_FIRST_VALIDATION =
      List.of(
          "recordRun running/planning",
          "plan",
          "recordRun running/generating",
          "generate",
          "recordRun running/validating",
          "validate");

  private CapsuleHarness h;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    h = new CapsuleHarness(env);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void successInOneRoundStoresTheFirstFilesAndEmitsTheEvent() throws Exception {
    Outcome o = CapsuleBranch.SUCCESS_ONE_ROUND.drive(h);

    assertThat(o.failure()).isNull();
    GenerationResult result = o.result();
    assertThat(result.capsuleId()).isEqualTo(o.capsuleId());
    assertThat(result.plan()).isEqualTo(PLAN);
    assertThat(result.files()).isEqualTo(FIRST);
    assertThat(result.validation()).isEqualTo(READY);
    assertThat(result.versionManifestKey()).isEqualTo(CapsuleBranch.versionKey(o.capsuleId()));
    assertThat(result.iterations())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.number()).isEqualTo(1);
              assertThat(i.phase()).isEqualTo("generate");
              assertThat(i.fileSetDigest()).isEqualTo(FIRST.digest());
              assertThat(i.score()).isEqualTo(0.95);
              assertThat(i.productionReady()).isTrue();
              assertThat(i.issues()).isEmpty();
              assertThat(i.issueCount()).isZero();
              assertThat(i.reportKey()).isEqualTo(READY.reportKey());
            });

    assertThat(h.calls())
        .containsExactlyElementsOf(
            then(
                UP_TO_FIRST_VALIDATION,
                "recordRun running/storing",
                "store",
                "recordRun completed/stored",
                "emitCreated"));
    GenerationRequest r = o.request();
    verify(h.engine()).plan(r);
    verify(h.engine()).generate(r, PLAN);
    verify(h.validation()).validate(r, PLAN, FIRST);
    verify(h.storage()).store(r, PLAN, FIRST, READY, result.iterations());
    verify(h.events()).emitCreated(r, 0.95);

    List<RunProjection> runs = projectedRuns(o);
    assertThat(runs)
        .extracting(RunProjection::details)
        .containsExactly(
            "Planning",
            "Plan: python-fastapi, features [auth, crud, tests], entities [user]",
            "Validating round 1",
            "Round 1 (generate): score 0.95",
            "Stored: score 0.95 after 1 round(s)");
    assertThat(runs).extracting(RunProjection::error).containsOnlyNulls();

    GenerationProgress progress = h.progress(o.workflowId());
    assertThat(progress.status()).isEqualTo(CapsuleStatus.STORED);
    assertThat(progress.plan()).isEqualTo(PLAN);
    assertThat(progress.iterations()).isEqualTo(result.iterations());
    assertThat(h.currentDetails(o.workflowId())).isEqualTo("Stored: score 0.95 after 1 round(s)");
  }

  @Test
  void refinesUntilTheTargetIsReached() throws Exception {
    Outcome o = CapsuleBranch.REFINE_UNTIL_TARGET.drive(h);

    assertThat(o.failure()).isNull();
    GenerationResult result = o.result();
    assertThat(result.files()).isEqualTo(SECOND);
    assertThat(result.validation()).isEqualTo(READY);
    assertThat(result.iterations())
        .extracting(
            Iteration::number,
            Iteration::phase,
            Iteration::fileSetDigest,
            Iteration::score,
            Iteration::reportKey)
        .containsExactly(
            tuple(1, "generate", FIRST.digest(), 0.6, NOT_READY.reportKey()),
            tuple(2, "refine", SECOND.digest(), 0.95, READY.reportKey()));
    assertThat(result.iterations().get(0).issues()).isEqualTo(NOT_READY.issues());

    assertThat(h.calls())
        .containsExactlyElementsOf(
            then(
                UP_TO_FIRST_VALIDATION,
                "recordRun running/refining",
                "refine",
                "recordRun running/validating",
                "validate",
                "recordRun running/storing",
                "store",
                "recordRun completed/stored",
                "emitCreated"));
    GenerationRequest r = o.request();
    verify(h.engine()).refine(r, PLAN, FIRST, NOT_READY);
    verify(h.validation()).validate(r, PLAN, SECOND);
    verify(h.storage()).store(r, PLAN, SECOND, READY, result.iterations());
    verify(h.events()).emitCreated(r, 0.95);
    assertThat(projectedRuns(o))
        .extracting(RunProjection::details)
        .contains(
            "Round 1 (generate): score 0.6, 1 issue(s): [python.compile:app/main.py: invalid"
                + " syntax]",
            "Stored: score 0.95 after 2 round(s)");
    assertThat(h.currentDetails(o.workflowId())).isEqualTo("Stored: score 0.95 after 2 round(s)");
  }

  @Test
  void stopsRefiningWhenTheEngineReturnsTheSameFiles() throws Exception {
    Outcome o = CapsuleBranch.ENGINE_GIVES_UP.drive(h);

    assertThat(o.failure()).isNull();
    GenerationResult result = o.result();
    // Stored as it is, below the target: the last validation tells so.
    assertThat(result.files()).isEqualTo(FIRST);
    assertThat(result.validation()).isEqualTo(NOT_READY);
    assertThat(result.iterations()).hasSize(1);

    assertThat(h.calls())
        .containsExactlyElementsOf(
            then(
                UP_TO_FIRST_VALIDATION,
                "recordRun running/refining",
                "refine",
                "recordRun running/storing",
                "store",
                "recordRun completed/stored",
                "emitCreated"));
    GenerationRequest r = o.request();
    verify(h.engine()).refine(r, PLAN, FIRST, NOT_READY);
    verify(h.storage()).store(r, PLAN, FIRST, NOT_READY, result.iterations());
    verify(h.events()).emitCreated(r, 0.6);
    projectedRuns(o);
  }

  @Test
  void stopsAtTheIterationLimit() throws Exception {
    Outcome o = CapsuleBranch.MAX_ITERATIONS_REACHED.drive(h);

    assertThat(o.failure()).isNull();
    GenerationResult result = o.result();
    assertThat(o.request().maxIterations()).isEqualTo(3);
    assertThat(result.files()).isEqualTo(THIRD);
    assertThat(result.validation()).isEqualTo(NOT_READY_AGAIN);
    assertThat(result.iterations())
        .extracting(Iteration::phase)
        .containsExactly("generate", "refine", "refine");
    assertThat(result.iterations()).noneMatch(Iteration::productionReady);

    assertThat(h.calls())
        .containsExactlyElementsOf(
            then(
                UP_TO_FIRST_VALIDATION,
                "recordRun running/refining",
                "refine",
                "recordRun running/validating",
                "validate",
                "recordRun running/refining",
                "refine",
                "recordRun running/validating",
                "validate",
                "recordRun running/storing",
                "store",
                "recordRun completed/stored",
                "emitCreated"));
    GenerationRequest r = o.request();
    verify(h.engine()).refine(r, PLAN, FIRST, NOT_READY);
    verify(h.engine()).refine(r, PLAN, SECOND, STILL_NOT_READY);
    verify(h.validation()).validate(r, PLAN, THIRD);
    verify(h.storage()).store(r, PLAN, THIRD, NOT_READY_AGAIN, result.iterations());
    projectedRuns(o);
  }

  @Test
  void aNonRetryableValidationFailureFailsTheCapsuleAtOnce() throws Exception {
    Outcome o = CapsuleBranch.VALIDATION_FAILURE.drive(h);

    assertFailedWith(o, GenerationFailure.UNSUPPORTED_REQUEST);
    // Validated once: not retried. Nothing stored, no event.
    assertThat(h.calls())
        .containsExactlyElementsOf(then(UP_TO_FIRST_VALIDATION, "recordRun failed/failed"));
    assertEndRecorded(o, RunStatus.FAILED, CapsuleBranch.VALIDATION_FAILURE_MESSAGE);
    assertThat(h.progress(o.workflowId()).status()).isEqualTo(CapsuleStatus.FAILED);
  }

  @Test
  void anUnavailableEngineFailsTheCapsuleAtOnce() throws Exception {
    Outcome o = CapsuleBranch.ENGINE_UNAVAILABLE.drive(h);

    assertFailedWith(o, GenerationFailure.ENGINE_UNAVAILABLE);
    assertThat(h.calls())
        .containsExactly(
            "recordRun running/planning",
            "plan",
            "recordRun running/generating",
            "generate",
            "recordRun failed/failed");
    assertEndRecorded(o, RunStatus.FAILED, CapsuleBranch.ENGINE_UNAVAILABLE_MESSAGE);
  }

  /** Every typed failure an engine step can raise ends the run at once (retries live elsewhere). */
  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = GenerationFailure.class,
      names = {
        "UNSUPPORTED_REQUEST",
        "ENGINE_OUTPUT_INVALID",
        "ENGINE_UNAVAILABLE",
        "ENGINE_RETRIES_EXHAUSTED"
      })
  void aTypedEngineFailureIsNotRetried(GenerationFailure type) throws Exception {
    GenerationRequest r = CapsuleBranch.SUCCESS_ONE_ROUND.stub(h);
    when(h.engine().plan(any())).thenThrow(CapsuleBranch.typed(type, "planning failed: " + type));

    Outcome o = h.run(r);

    assertThat(type.retryable()).isFalse();
    assertFailedWith(o, type);
    assertThat(h.calls())
        .containsExactly("recordRun running/planning", "plan", "recordRun failed/failed");
    assertEndRecorded(o, RunStatus.FAILED, "planning failed: " + type);
  }

  @Test
  void aTransientEngineFailureIsRetried() throws Exception {
    GenerationRequest r = CapsuleBranch.SUCCESS_ONE_ROUND.stub(h);
    when(h.engine().generate(any(), any()))
        .thenThrow(new IllegalStateException("connection reset"))
        .thenReturn(FIRST);

    Outcome o = h.run(r);

    assertThat(o.failure()).isNull();
    assertThat(o.result().files()).isEqualTo(FIRST);
    assertThat(h.calls()).filteredOn("generate"::equals).hasSize(2);
    assertThat(h.calls()).doesNotContain("recordRun failed/failed");
  }

  @Test
  void aFailureThatMayPassIsRetriedUpToTheStepProfileThenFailsTheCapsule() throws Exception {
    GenerationRequest r = CapsuleBranch.SUCCESS_ONE_ROUND.stub(h);
    when(h.validation().validate(any(), any(), any()))
        .thenThrow(new IllegalStateException("compiler crashed"));

    Outcome o = h.run(r);

    assertThat(o.failure()).isNotNull().hasCauseInstanceOf(ActivityFailure.class);
    // LONG_STEP: 4 attempts.
    assertThat(h.calls()).filteredOn("validate"::equals).hasSize(4);
    assertThat(h.calls())
        .doesNotContain("store", "emitCreated")
        .endsWith("recordRun failed/failed");
    assertEndRecorded(o, RunStatus.FAILED, "compiler crashed");
  }

  @Test
  void aFailingWebhookLeavesTheCapsuleStoredAndSaysSoInTheDetails() throws Exception {
    Outcome o = CapsuleBranch.WEBHOOK_FAILURE.drive(h);

    assertThat(o.failure()).as("the workflow completes").isNull();
    assertThat(o.result().validation()).isEqualTo(READY);
    // The delivery profile: 5 attempts, then the run completes anyway.
    assertThat(h.calls())
        .containsExactlyElementsOf(
            then(
                UP_TO_FIRST_VALIDATION,
                "recordRun running/storing",
                "store",
                "recordRun completed/stored",
                "emitCreated",
                "emitCreated",
                "emitCreated",
                "emitCreated",
                "emitCreated"));
    verify(h.events(), org.mockito.Mockito.times(5)).emitCreated(o.request(), 0.95);
    assertThat(projectedRuns(o))
        .last()
        .satisfies(
            last -> {
              assertThat(last.status()).isEqualTo(RunStatus.COMPLETED);
              assertThat(last.error()).isNull();
            });
    assertThat(h.progress(o.workflowId()).status()).isEqualTo(CapsuleStatus.STORED);
    assertThat(h.currentDetails(o.workflowId()))
        .isEqualTo(
            "Stored: score 0.95 after 1 round(s); capsule.created webhook failed: "
                + CapsuleBranch.WEBHOOK_FAILURE_MESSAGE);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(names = "CANCELLED_DURING_.*", mode = EnumSource.Mode.MATCH_ALL)
  void aCancelInAnyStepEndsTheCapsuleCancelled(CapsuleBranch branch) throws Exception {
    Outcome o = branch.drive(h);

    assertThat(o.result()).isNull();
    assertThat(o.failure()).isNotNull().hasCauseInstanceOf(CanceledFailure.class);
    // The cancelled step ran once and nothing after it but the end, recorded through the detached
    // scope although the workflow was cancelled.
    List<String> upToTheStep =
        switch (branch.cancelledDuring()) {
          case PLAN -> List.of("recordRun running/planning", "plan");
          case GENERATE -> UP_TO_FIRST_VALIDATION.subList(0, 4);
          case VALIDATE -> UP_TO_FIRST_VALIDATION;
          case REFINE -> then(UP_TO_FIRST_VALIDATION, "recordRun running/refining", "refine");
          case STORE -> then(UP_TO_FIRST_VALIDATION, "recordRun running/storing", "store");
        };
    assertThat(h.calls())
        .containsExactlyElementsOf(then(upToTheStep, "recordRun cancelled/cancelled"));
    assertEndRecorded(o, RunStatus.CANCELLED, "cancelled on request");
    assertThat(h.progress(o.workflowId()).status()).isEqualTo(CapsuleStatus.CANCELLED);
  }

  /**
   * Every status write of the run: its identity, and sequence numbers 1, 2, 3, ... so the
   * projection's guard keeps the newest.
   */
  private List<RunProjection> projectedRuns(Outcome o) {
    List<RunProjection> runs = h.projections();
    assertThat(runs).isNotEmpty();
    GenerationRequest r = o.request();
    assertThat(runs)
        .allSatisfy(
            run -> {
              assertThat(run.workflowId()).isEqualTo(r.workflowId());
              assertThat(run.kind()).isEqualTo(CapsuleStatus.KIND);
              assertThat(run.tenantId()).isEqualTo(r.tenantId());
              assertThat(run.ownerId()).isEqualTo(r.userId());
              assertThat(CapsuleStatus.of(run.status(), run.phase()).run()).isEqualTo(run.status());
            });
    assertThat(runs)
        .extracting(RunProjection::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, runs.size()).boxed().toList());
    return runs;
  }

  /** The last status write is the run's end, with its reason as error and details. */
  private void assertEndRecorded(Outcome o, RunStatus status, String reason) {
    RunProjection end = projectedRuns(o).get(h.projections().size() - 1);
    assertThat(end.status()).isEqualTo(status);
    assertThat(end.status().isTerminal()).isTrue();
    assertThat(end.phase()).isEqualTo(status.value());
    assertThat(end.error()).isEqualTo(reason);
    assertThat(end.details()).isEqualTo(reason);
    assertThat(h.projections()).filteredOn(p -> p.status().isTerminal()).containsExactly(end);
  }

  private static void assertFailedWith(Outcome o, GenerationFailure type) {
    assertThat(o.result()).isNull();
    assertThat(o.failure()).isNotNull().hasCauseInstanceOf(ActivityFailure.class);
    assertThat(o.failure().getCause().getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(type.name()));
  }

  private static List<String> then(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }
}
