package dev.shipyard.workflows.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.verify;

import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/** Every branch of the delivery workflow, with mocked activities. */
class DeliveryWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = DeliveryHarness.extension();

  private static List<RunProjection> projections(DeliveryHarness harness) {
    ArgumentCaptor<RunProjection> runs = ArgumentCaptor.forClass(RunProjection.class);
    verify(harness.projection(), atLeast(2)).recordRun(runs.capture());
    return runs.getAllValues();
  }

  private static DeliveryResult recorded(DeliveryHarness harness) {
    ArgumentCaptor<DeliveryResult> results = ArgumentCaptor.forClass(DeliveryResult.class);
    verify(harness.records()).recordResults(any(), results.capture());
    return results.getValue();
  }

  @Test
  void everyDestinationStartsAtOnceAndIsDeliveredThenRecordedThenCompleted(
      TestWorkflowEnvironment env) throws Exception {
    try (DeliveryHarness harness = new DeliveryHarness(env)) {
      DeliveryHarness.Outcome outcome = harness.drive(DeliveryHarness.Branch.ALL_OK);

      assertThat(outcome.workflowId()).isEqualTo("delivery-d-all_ok");
      assertThat(outcome.scheduledAtOnce())
          .as("destination steps scheduled while none had ended")
          .isEqualTo(3);
      assertThat(outcome.progressWhileRunning().total()).isEqualTo(3);
      assertThat(outcome.progressWhileRunning().ended()).isEmpty();
      DeliveryResult result = outcome.result();
      assertThat(result.totalDestinations()).isEqualTo(3);
      assertThat(result.successful()).isEqualTo(3);
      assertThat(result.failed()).isZero();
      assertThat(result.destinations())
          .extracting(DestinationResult::destination, DestinationResult::success)
          .containsExactly(
              Tuple.tuple("bucket-a", true),
              Tuple.tuple("bucket-b", true),
              Tuple.tuple("bucket-c", true));
      // each step got its own target and the delivery's version and caller, never credentials
      ArgumentCaptor<DestinationRequest> steps = ArgumentCaptor.forClass(DestinationRequest.class);
      verify(harness.destinations(), org.mockito.Mockito.times(3)).deliver(steps.capture());
      assertThat(steps.getAllValues())
          .extracting(r -> r.target().credentialRef())
          .containsExactlyInAnyOrder("cred-a", "cred-b", "cred-c");
      assertThat(steps.getAllValues())
          .allSatisfy(
              r -> {
                assertThat(r.deliveryId()).isEqualTo("d-all_ok");
                assertThat(r.capsuleId()).isEqualTo("cap-1");
                assertThat(r.versionId()).isEqualTo("ver-1");
                assertThat(r.userId()).isEqualTo(DeliveryHarness.USER);
              });
      assertThat(recorded(harness)).isEqualTo(result);
      assertThat(projections(harness))
          .extracting(
              RunProjection::workflowId,
              RunProjection::kind,
              RunProjection::status,
              RunProjection::phase,
              RunProjection::details,
              RunProjection::sequence)
          .containsExactly(
              Tuple.tuple(
                  outcome.workflowId(),
                  "delivery",
                  RunStatus.RUNNING,
                  "delivering",
                  "Delivering version ver-1 to 3 destination(s)",
                  1L),
              Tuple.tuple(
                  outcome.workflowId(),
                  "delivery",
                  RunStatus.COMPLETED,
                  "completed",
                  "3 of 3 destination(s) delivered",
                  2L));
      var order = org.mockito.Mockito.inOrder(harness.records(), harness.projection());
      order.verify(harness.records()).recordResults(any(), any());
      order
          .verify(harness.projection())
          .recordRun(argThat(r -> r != null && r.status() == RunStatus.COMPLETED));
    }
  }

  @Test
  void rejectedCredentialsAreReportedAtOnceAndTheOthersAreDelivered(TestWorkflowEnvironment env)
      throws Exception {
    try (DeliveryHarness harness = new DeliveryHarness(env)) {
      DeliveryHarness.Outcome outcome = harness.drive(DeliveryHarness.Branch.REJECTED);

      assertThat(outcome.failure()).isNull();
      DeliveryResult result = outcome.result();
      assertThat(result.successful()).isEqualTo(2);
      assertThat(result.failed()).isEqualTo(1);
      assertThat(result.destinations())
          .extracting(
              DestinationResult::destination,
              DestinationResult::success,
              DestinationResult::failure,
              DestinationResult::error)
          .containsExactly(
              Tuple.tuple("bucket-a", true, null, null),
              Tuple.tuple(
                  "bucket-b",
                  false,
                  DeliveryFailure.CREDENTIALS_REJECTED,
                  "S3 refused the credentials (403 InvalidAccessKeyId)"),
              Tuple.tuple("bucket-c", true, null, null));
      assertThat(harness.attempts("bucket-b")).as("non-retryable: one attempt").isEqualTo(1);
      assertThat(recorded(harness)).isEqualTo(result);
      List<RunProjection> runs = projections(harness);
      RunProjection last = runs.get(runs.size() - 1);
      assertThat(last.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(last.details()).isEqualTo("2 of 3 destination(s) delivered, 1 failed");
    }
  }

  @Test
  void aDestinationThatFailsOnceIsRetriedAndDelivered(TestWorkflowEnvironment env)
      throws Exception {
    try (DeliveryHarness harness = new DeliveryHarness(env)) {
      DeliveryHarness.Outcome outcome = harness.drive(DeliveryHarness.Branch.RETRIED);

      assertThat(outcome.result().successful()).isEqualTo(3);
      assertThat(harness.attempts("bucket-c")).isEqualTo(2);
      assertThat(harness.attempts("bucket-a")).isEqualTo(1);
    }
  }

  @Test
  void aDestinationThatStaysDownIsRetriedUntilItsWindowClosesThenReportedWithItsCause(
      TestWorkflowEnvironment env) throws Exception {
    try (DeliveryHarness harness = new DeliveryHarness(env)) {
      DeliveryHarness.Outcome outcome = harness.drive(DeliveryHarness.Branch.WINDOW_CLOSED);

      assertThat(outcome.failure()).isNull();
      DeliveryResult result = outcome.result();
      assertThat(result.successful()).isEqualTo(2);
      DestinationResult down = result.destinations().get(2);
      assertThat(down.success()).isFalse();
      assertThat(down.failure()).isEqualTo(DeliveryFailure.DESTINATION_UNAVAILABLE);
      assertThat(down.error())
          .isEqualTo(
              "not delivered within its retry window of PT40S; last error: Connection refused:"
                  + " 127.0.0.1:1");
      // 1 s, 2 s, 4 s, 8 s, 16 s apart: the sixth attempt would start after 31 s + 32 s > 40 s
      assertThat(harness.attempts("bucket-c")).isBetween(4, 6);
      assertThat(recorded(harness).destinations().get(2)).isEqualTo(down);
    }
  }

  @Test
  void theStepIsBoundedByTheWindowAndKeepsTheProfilesHeartbeat() {
    ActivityOptions options = DeliveryWorkflowImpl.options(Duration.ofSeconds(3));
    assertThat(options.getScheduleToCloseTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(10));
    ActivityOptions provider = DeliveryWorkflowImpl.options(Duration.ofMinutes(30));
    assertThat(provider.getStartToCloseTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(provider.getTaskQueue()).isEqualTo("shipyard-platform");
    assertThat(DeliveryHarness.request("d", null).retryWindow(DeliveryHarness.TARGETS.get(0)))
        .isEqualTo(DeliveryProviders.find("s3").orElseThrow().retryWindow());
  }
}
