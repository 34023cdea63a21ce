package dev.shipyard.workflows.webhooks;

import dev.shipyard.workflows.WorkerRegistry;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * The Standard Webhooks schedule: an attempt at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h
 * and 10 h, each wait a durable timer (a worker restart loses nothing), each attempt one activity
 * call without Temporal retries. A 2xx ends it; so do 410 Gone, a refused URL, a disabled or
 * deleted subscription. An attempt whose activity itself failed (a lost worker, a timeout) counts
 * as a failed attempt.
 */
public class WebhookDeliveryWorkflowImpl implements WebhookDeliveryWorkflow {

  /** The waits before each attempt (the first is immediate). */
  public static final List<Duration> SCHEDULE =
      List.of(
          Duration.ZERO,
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(5),
          Duration.ofHours(10),
          Duration.ofHours(10));

  private final WebhookSendActivities send =
      Workflow.newActivityStub(
          WebhookSendActivities.class, WorkerRegistry.options(WebhookSendActivities.class));

  @Override
  public WebhookDelivery deliver(WebhookDispatch dispatch) {
    WebhookAttemptOutcome outcome = WebhookAttemptOutcome.FAILED;
    int attempt = 0;
    for (Duration wait : SCHEDULE) {
      if (!wait.isZero()) {
        Workflow.setCurrentDetails(
            "attempt " + attempt + " failed; attempt " + (attempt + 1) + " in " + wait);
        Workflow.sleep(wait);
      }
      attempt++;
      try {
        outcome = send.attempt(dispatch, attempt);
      } catch (ActivityFailure e) {
        outcome = WebhookAttemptOutcome.FAILED;
      }
      if (!outcome.retry()) {
        break;
      }
    }
    Workflow.setCurrentDetails(outcome + " after " + attempt + " attempt(s)");
    return new WebhookDelivery(outcome, attempt);
  }
}
