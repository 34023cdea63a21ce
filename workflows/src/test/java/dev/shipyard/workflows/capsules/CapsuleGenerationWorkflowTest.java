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
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.capsules.CapsuleHarness.Outcome;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.Comparator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;
import org.mockito.Mockito;
import org.mockito.invocation.Invocation;

/**
 * Every branch of the capsule generation workflow with mocked activities, on Temporal's test server
 * (time skipping, so retry back-offs cost nothing). Each test asserts the activity calls in order,
 * with their arguments, and the status writes; {@link CapsuleBranch} holds the stubbings, which the
 * replay corpus is recorded from.
 */
class CapsuleGenerationWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = CapsuleHarness.extension();

  private CapsuleHarness h;
  private CapsuleActivities a;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    h = new CapsuleHarness(env);
    a = h.activities;
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
    assertThat(result.versionManifestKey())
        .isEqualTo("capsules/" + o.capsuleId() + "/versions/v1.json");
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
            });

    InOrder order = inOrder(a);
    GenerationRequest r = o.request();
    order.verify(a).recordStatus(r.capsuleId(), CapsuleStatus.PLANNING, null);
    order.verify(a).plan(r);
    order.verify(a).recordStatus(r.capsuleId(), CapsuleStatus.GENERATING, null);
    order.verify(a).generate(r, PLAN);
    order.verify(a).recordStatus(r.capsuleId(), CapsuleStatus.VALIDATING, null);
    order.verify(a).validate(r, PLAN, FIRST);
    order.verify(a).store(r, PLAN, FIRST, READY, result.iterations());
    order.verify(a).emitCreated(r, 0.95);
    verifyNoMoreInteractions(a);

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
        .extracting(Iteration::number, Iteration::phase, Iteration::fileSetDigest, Iteration::score)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "generate", FIRST.digest(), 0.6),
            org.assertj.core.groups.Tuple.tuple(2, "refine", SECOND.digest(), 0.95));
    assertThat(result.iterations().get(0).issues()).isEqualTo(NOT_READY.issues());

    InOrder order = inOrder(a);
    GenerationRequest r = o.request();
    order.verify(a).validate(r, PLAN, FIRST);
    order.verify(a).recordStatus(r.capsuleId(), CapsuleStatus.REFINING, null);
    order.verify(a).refine(r, PLAN, FIRST, NOT_READY);
    order.verify(a).recordStatus(r.capsuleId(), CapsuleStatus.VALIDATING, null);
    order.verify(a).validate(r, PLAN, SECOND);
    order.verify(a).store(r, PLAN, SECOND, READY, result.iterations());
    order.verify(a).emitCreated(r, 0.95);
    verify(a, times(1)).refine(any(), any(), any(), any());
    verify(a, times(2)).validate(any(), any(), any());
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

    InOrder order = inOrder(a);
    GenerationRequest r = o.request();
    order.verify(a).validate(r, PLAN, FIRST);
    order.verify(a).refine(r, PLAN, FIRST, NOT_READY);
    order.verify(a).store(r, PLAN, FIRST, NOT_READY, result.iterations());
    order.verify(a).emitCreated(r, 0.6);
    verify(a, times(1)).validate(any(), any(), any());
    verify(a, times(1)).refine(any(), any(), any(), any());
    verify(a, never()).recordStatus(anyString(), eq(CapsuleStatus.FAILED), any());
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

    InOrder order = inOrder(a);
    GenerationRequest r = o.request();
    order.verify(a).validate(r, PLAN, FIRST);
    order.verify(a).refine(r, PLAN, FIRST, NOT_READY);
    order.verify(a).validate(r, PLAN, SECOND);
    order.verify(a).refine(r, PLAN, SECOND, STILL_NOT_READY);
    order.verify(a).validate(r, PLAN, THIRD);
    order.verify(a).store(r, PLAN, THIRD, NOT_READY_AGAIN, result.iterations());
    verify(a, times(3)).validate(any(), any(), any());
    verify(a, times(2)).refine(any(), any(), any(), any());
  }

  @Test
  void aNonRetryableValidationFailureFailsTheCapsuleAtOnce() throws Exception {
    Outcome o = CapsuleBranch.VALIDATION_FAILURE.drive(h);

    assertFailedWith(o, GenerationFailure.UNSUPPORTED_REQUEST);
    GenerationRequest r = o.request();
    verify(a, times(1)).validate(r, PLAN, FIRST); // not retried: its type is in doNotRetry
    verify(a)
        .recordStatus(
            r.capsuleId(), CapsuleStatus.FAILED, CapsuleBranch.VALIDATION_FAILURE_MESSAGE);
    verify(a, never()).refine(any(), any(), any(), any());
    verify(a, never()).store(any(), any(), any(), any(), anyList());
    verify(a, never()).emitCreated(any(), anyDouble());
    assertThat(h.progress(o.workflowId()).status()).isEqualTo(CapsuleStatus.FAILED);
  }

  @Test
  void anUnavailableEngineFailsTheCapsuleAtOnce() throws Exception {
    Outcome o = CapsuleBranch.ENGINE_UNAVAILABLE.drive(h);

    assertFailedWith(o, GenerationFailure.ENGINE_UNAVAILABLE);
    GenerationRequest r = o.request();
    verify(a, times(1)).generate(r, PLAN);
    InOrder order = inOrder(a);
    order.verify(a).recordStatus(r.capsuleId(), CapsuleStatus.GENERATING, null);
    order.verify(a).generate(r, PLAN);
    order
        .verify(a)
        .recordStatus(
            r.capsuleId(), CapsuleStatus.FAILED, CapsuleBranch.ENGINE_UNAVAILABLE_MESSAGE);
    verify(a, never()).validate(any(), any(), any());
    verify(a, never()).store(any(), any(), any(), any(), anyList());
    verify(a, never()).emitCreated(any(), anyDouble());
  }

  @Test
  void aTransientEngineFailureIsRetried() throws Exception {
    GenerationRequest r = CapsuleBranch.SUCCESS_ONE_ROUND.stub(h);
    when(a.generate(any(), any()))
        .thenThrow(new IllegalStateException("connection reset"))
        .thenReturn(FIRST);

    Outcome o = h.run(r);

    assertThat(o.failure()).isNull();
    assertThat(o.result().files()).isEqualTo(FIRST);
    verify(a, times(2)).generate(r, PLAN);
    verify(a, never()).recordStatus(anyString(), eq(CapsuleStatus.FAILED), any());
  }

  @Test
  void aFailingWebhookLeavesTheCapsuleStoredAndSaysSoInTheDetails() throws Exception {
    Outcome o = CapsuleBranch.WEBHOOK_FAILURE.drive(h);

    assertThat(o.failure()).as("the workflow completes").isNull();
    GenerationRequest r = o.request();
    assertThat(o.result().validation()).isEqualTo(READY);
    verify(a, times(1)).store(r, PLAN, FIRST, READY, o.result().iterations());
    verify(a, times(5)).emitCreated(r, 0.95); // the events profile: 5 attempts, then give up
    verify(a, never()).recordStatus(anyString(), eq(CapsuleStatus.FAILED), any());
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
    GenerationRequest r = o.request();
    // Recorded through the detached scope, although the workflow was cancelled.
    verify(a).recordStatus(r.capsuleId(), CapsuleStatus.CANCELLED, "cancelled on request");
    verify(a, never()).recordStatus(anyString(), eq(CapsuleStatus.FAILED), any());
    verify(a, never()).emitCreated(any(), anyDouble());
    assertThat(h.progress(o.workflowId()).status()).isEqualTo(CapsuleStatus.CANCELLED);

    // The cancelled step ran once, and nothing after it.
    switch (branch.cancelledDuring()) {
      case PLAN -> {
        verify(a).plan(r);
        verify(a, never()).generate(any(), any());
      }
      case GENERATE -> {
        verify(a).generate(r, PLAN);
        verify(a, never()).validate(any(), any(), any());
      }
      case VALIDATE -> {
        verify(a).validate(r, PLAN, FIRST);
        verify(a, never()).refine(any(), any(), any(), any());
        verify(a, never()).store(any(), any(), any(), any(), anyList());
      }
      case REFINE -> {
        verify(a).refine(r, PLAN, FIRST, NOT_READY);
        verify(a, times(1)).validate(any(), any(), any());
        verify(a, never()).store(any(), any(), any(), any(), anyList());
      }
      case STORE -> verify(a).store(eq(r), eq(PLAN), eq(FIRST), eq(READY), anyList());
    }
    // The cancellation is the last call: nothing ran after it.
    assertThat(lastCall(a).toString())
        .contains("recordStatus", r.capsuleId(), "CANCELLED", "cancelled on request");
  }

  private static Invocation lastCall(Object mock) {
    return Mockito.mockingDetails(mock).getInvocations().stream()
        .max(Comparator.comparingInt(Invocation::getSequenceNumber))
        .orElseThrow();
  }

  private static void assertFailedWith(Outcome o, GenerationFailure type) {
    assertThat(o.result()).isNull();
    assertThat(o.failure()).isNotNull().hasCauseInstanceOf(ActivityFailure.class);
    assertThat(o.failure().getCause().getCause())
        .isInstanceOfSatisfying(
            ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(type.name()));
  }
}
