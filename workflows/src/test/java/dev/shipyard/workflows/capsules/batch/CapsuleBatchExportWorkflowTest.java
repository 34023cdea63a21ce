package dev.shipyard.workflows.capsules.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/** Every branch of the batch export workflow, with mocked activities. */
class CapsuleBatchExportWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = BatchHarness.extension();

  private static List<RunProjection> projections(BatchHarness harness, int times) {
    ArgumentCaptor<RunProjection> runs = ArgumentCaptor.forClass(RunProjection.class);
    verify(harness.projection(), atLeast(times)).recordRun(runs.capture());
    return runs.getAllValues();
  }

  private static CapsuleBatchRecordActivities.BatchResults recorded(BatchHarness harness) {
    ArgumentCaptor<CapsuleBatchRecordActivities.BatchResults> results =
        ArgumentCaptor.forClass(CapsuleBatchRecordActivities.BatchResults.class);
    verify(harness.records()).recordResults(results.capture());
    return results.getValue();
  }

  @Test
  void allExportedTwoAtATimeThenRecordedThenCompleted(TestWorkflowEnvironment env)
      throws Exception {
    try (BatchHarness harness = new BatchHarness(env)) {
      BatchHarness.Outcome outcome = harness.drive(BatchHarness.Branch.ALL_OK);

      assertThat(outcome.workflowId()).isEqualTo("capsule-batch-export-b-all_ok");
      assertThat(outcome.scheduledAtOnce())
          .as("export steps scheduled while the first two ran")
          .isEqualTo(BatchHarness.PARALLELISM);
      BatchExportResult result = outcome.result();
      assertThat(result.total()).isEqualTo(5);
      assertThat(result.successful()).isEqualTo(5);
      assertThat(result.failed()).isZero();
      assertThat(result.results())
          .extracting(ExportItemResult::capsuleId, ExportItemResult::status, ExportItemResult::key)
          .containsExactly(
              BatchHarness.CAPSULES.stream()
                  .map(c -> Tuple.tuple(c, "success", "exports/b-all_ok/" + c + ".zip"))
                  .toArray(Tuple[]::new));
      // every step got the caller's scope, never more
      ArgumentCaptor<ExportItemRequest> steps = ArgumentCaptor.forClass(ExportItemRequest.class);
      verify(harness.exports(), times(5)).exportCapsule(steps.capture());
      assertThat(steps.getAllValues())
          .allSatisfy(
              r -> {
                assertThat(r.tenantId()).isEqualTo("default");
                assertThat(r.userId()).isEqualTo("00000000-0000-0000-0000-000000000001");
                assertThat(r.wholeTenant()).isFalse();
                assertThat(r.format()).isEqualTo("zip");
              });
      assertThat(recorded(harness).results()).isEqualTo(result.results());
      assertThat(projections(harness, 2))
          .extracting(
              RunProjection::workflowId,
              RunProjection::kind,
              RunProjection::status,
              RunProjection::phase,
              RunProjection::sequence)
          .containsExactly(
              Tuple.tuple(
                  outcome.workflowId(), "capsule-batch-export", RunStatus.RUNNING, "exporting", 1L),
              Tuple.tuple(
                  outcome.workflowId(),
                  "capsule-batch-export",
                  RunStatus.COMPLETED,
                  "completed",
                  2L));
      // the results are recorded before the run says completed
      var order = org.mockito.Mockito.inOrder(harness.records(), harness.projection());
      order.verify(harness.records()).recordResults(any());
      order
          .verify(harness.projection())
          .recordRun(argThat(r -> r != null && r.status() == RunStatus.COMPLETED));
    }
  }

  @Test
  void aMissingCapsuleAndAFailedStepAreFailedItemsNotAFailedBatch(TestWorkflowEnvironment env)
      throws Exception {
    try (BatchHarness harness = new BatchHarness(env)) {
      BatchHarness.Outcome outcome = harness.drive(BatchHarness.Branch.PARTIAL_FAILURE);

      assertThat(outcome.failure()).isNull();
      BatchExportResult result = outcome.result();
      assertThat(result.total()).isEqualTo(5);
      assertThat(result.successful()).isEqualTo(3);
      assertThat(result.failed()).isEqualTo(2);
      assertThat(result.results())
          .extracting(
              ExportItemResult::capsuleId, ExportItemResult::status, ExportItemResult::error)
          .containsExactly(
              Tuple.tuple("cap-a", "success", null),
              Tuple.tuple("cap-b", "failed", "Capsule cap-b not found"),
              Tuple.tuple("cap-c", "success", null),
              Tuple.tuple(
                  "cap-d", "failed", "Export failed: Missing manifest manifests/sha256/x.json"),
              Tuple.tuple("cap-e", "success", null));
      // the typed non-retryable failure is not retried
      verify(harness.exports(), times(1))
          .exportCapsule(argThat(r -> r != null && r.capsuleId().equals("cap-d")));
      assertThat(recorded(harness).results()).isEqualTo(result.results());
      List<RunProjection> runs = projections(harness, 2);
      RunProjection last = runs.get(runs.size() - 1);
      assertThat(last.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(last.details()).isEqualTo("3 of 5 capsule(s) exported, 2 failed");
      assertThat(last.error()).isNull();
    }
  }

  @Test
  void aStepThatFailsOnceIsRetriedAndSucceeds(TestWorkflowEnvironment env) throws Exception {
    try (BatchHarness harness = new BatchHarness(env)) {
      BatchHarness.Outcome outcome = harness.drive(BatchHarness.Branch.RETRIED);

      assertThat(outcome.result().successful()).isEqualTo(5);
      verify(harness.exports(), times(2))
          .exportCapsule(argThat(r -> r != null && r.capsuleId().equals("cap-c")));
      verify(harness.exports(), times(1))
          .exportCapsule(argThat(r -> r != null && r.capsuleId().equals("cap-a")));
    }
  }
}
