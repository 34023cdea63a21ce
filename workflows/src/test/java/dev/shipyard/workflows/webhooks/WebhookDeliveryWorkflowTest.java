package dev.shipyard.workflows.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every branch of the webhook delivery workflow on the test server with time skipping: the attempts
 * come at the Standard Webhooks schedule's times (durable timers, not sleeps of the test).
 */
class WebhookDeliveryWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension temporal = WebhookHarness.extension();

  private static final long S = 1000;
  private static final long M = 60 * S;
  private static final long H = 60 * M;

  /** Cumulative times of the eight attempts: 0, 5 s, +5 min, +30 min, +2 h, +5 h, +10 h, +10 h. */
  private static final List<Long> AT =
      List.of(
          0L,
          5 * S,
          5 * S + 5 * M,
          5 * S + 35 * M,
          5 * S + 35 * M + 2 * H,
          5 * S + 35 * M + 7 * H,
          5 * S + 35 * M + 17 * H,
          5 * S + 35 * M + 27 * H);

  private static void assertAttemptTimes(List<Long> actual, int count) {
    assertThat(actual).hasSize(count);
    for (int i = 0; i < count; i++) {
      // The test server fires a timer at its time; the workflow task around it takes milliseconds.
      assertThat(actual.get(i)).as("attempt %d", i + 1).isBetween(AT.get(i), AT.get(i) + 2 * S);
    }
  }

  @Test
  void aReceiverDownForThreeAttemptsGetsTheMessageOnTheFourth(TestWorkflowEnvironment env) {
    WebhookHarness harness = new WebhookHarness(env);
    WebhookHarness.Outcome outcome = harness.drive(WebhookHarness.Branch.DELIVERED_ON_THE_FOURTH);

    assertThat(outcome.result()).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.DELIVERED, 4));
    assertAttemptTimes(outcome.attemptTimes(), 4);
    verify(harness.send(), times(4)).attempt(any(), anyInt());
    // Three durable timers of the schedule: 5 s, 5 min, 30 min.
    List<Duration> timers =
        env.getWorkflowClient().fetchHistory(outcome.workflowId()).getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
            .map(HistoryEvent::getTimerStartedEventAttributes)
            .map(a -> Duration.ofSeconds(a.getStartToFireTimeout().getSeconds()))
            .collect(Collectors.toList());
    assertThat(timers)
        .containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30));
  }

  @Test
  void deliveredAtOnceMakesOneAttemptAndNoTimer(TestWorkflowEnvironment env) {
    WebhookHarness harness = new WebhookHarness(env);
    WebhookHarness.Outcome outcome = harness.drive(WebhookHarness.Branch.DELIVERED_AT_ONCE);
    assertThat(outcome.result()).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.DELIVERED, 1));
    assertAttemptTimes(outcome.attemptTimes(), 1);
  }

  @Test
  void goneEndsTheScheduleAtOnce(TestWorkflowEnvironment env) {
    WebhookHarness harness = new WebhookHarness(env);
    WebhookHarness.Outcome outcome = harness.drive(WebhookHarness.Branch.GONE);
    assertThat(outcome.result()).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.GONE, 2));
    assertAttemptTimes(outcome.attemptTimes(), 2);
  }

  @Test
  void aRefusedUrlIsNotTriedAgain(TestWorkflowEnvironment env) {
    WebhookHarness harness = new WebhookHarness(env);
    WebhookHarness.Outcome outcome = harness.drive(WebhookHarness.Branch.REFUSED);
    assertThat(outcome.result()).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.REFUSED, 1));
  }

  @Test
  void aSubscriptionDisabledForFailingTooLongEndsTheSchedule(TestWorkflowEnvironment env) {
    WebhookHarness harness = new WebhookHarness(env);
    WebhookHarness.Outcome outcome = harness.drive(WebhookHarness.Branch.DISABLED_AFTER_DAYS);
    assertThat(outcome.result()).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.DISABLED, 2));
  }

  @Test
  void aFailedActivityCountsAsAFailedAttemptWithoutTemporalRetries(TestWorkflowEnvironment env) {
    WebhookHarness harness = new WebhookHarness(env);
    WebhookHarness.Outcome outcome =
        harness.drive(WebhookHarness.Branch.ACTIVITY_FAILED_THEN_DELIVERED);
    assertThat(outcome.result()).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.DELIVERED, 2));
    // One call per attempt: the failed activity was not retried by Temporal before the schedule.
    verify(harness.send(), times(2)).attempt(any(), anyInt());
    assertAttemptTimes(outcome.attemptTimes(), 2);
  }

  @Test
  void eightFailedAttemptsExhaustTheScheduleAfter27Hours(TestWorkflowEnvironment env) {
    WebhookHarness harness = new WebhookHarness(env);
    WebhookHarness.Outcome outcome = harness.drive(WebhookHarness.Branch.EXHAUSTED);
    assertThat(outcome.result()).isEqualTo(new WebhookDelivery(WebhookAttemptOutcome.FAILED, 8));
    assertAttemptTimes(outcome.attemptTimes(), 8);
  }
}
