package dev.shipyard.workflows.webhooks;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Drives the webhook delivery workflow through each branch with a mocked attempt activity. */
final class WebhookHarness {

  /** One constant per branch: the outcome of each attempt the activity is asked for. */
  enum Branch {
    DELIVERED_AT_ONCE(WebhookAttemptOutcome.DELIVERED),
    DELIVERED_ON_THE_FOURTH(
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.DELIVERED),
    GONE(WebhookAttemptOutcome.FAILED, WebhookAttemptOutcome.GONE),
    REFUSED(WebhookAttemptOutcome.REFUSED),
    DISABLED_AFTER_DAYS(WebhookAttemptOutcome.FAILED, WebhookAttemptOutcome.DISABLED),
    /** The activity itself fails (a lost worker): counted as a failed attempt, then delivered. */
    ACTIVITY_FAILED_THEN_DELIVERED(null, WebhookAttemptOutcome.DELIVERED),
    EXHAUSTED(
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED,
        WebhookAttemptOutcome.FAILED);

    final List<WebhookAttemptOutcome> outcomes;

    Branch(WebhookAttemptOutcome... outcomes) {
      this.outcomes = java.util.Arrays.asList(outcomes);
    }

    String fileName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-') + ".json";
    }
  }

  record Outcome(String workflowId, WebhookDelivery result, List<Long> attemptTimes) {}

  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  private final TestWorkflowEnvironment env;
  private final RegistryWorkers workers;

  WebhookHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
  }

  WebhookSendActivities send() {
    return workers.activities(WebhookSendActivities.class);
  }

  Outcome drive(Branch branch) {
    List<Long> times = new ArrayList<>();
    long start = env.currentTimeMillis();
    when(send().attempt(any(), anyInt()))
        .thenAnswer(
            call -> {
              int attempt = call.getArgument(1);
              times.add(env.currentTimeMillis() - start);
              WebhookAttemptOutcome outcome = branch.outcomes.get(attempt - 1);
              if (outcome == null) {
                throw ApplicationFailure.newFailure("worker lost", "TEST");
              }
              return outcome;
            });
    WebhookDispatch dispatch =
        new WebhookDispatch(
            "00000000-0000-0000-0000-0000000000" + String.format("%02d", branch.ordinal()),
            WebhookEndpoint.SUBSCRIPTION,
            "10000000-0000-0000-0000-000000000001",
            false);
    String workflowId = dispatch.workflowId(null);
    WebhookDelivery result =
        env.getWorkflowClient()
            .newWorkflowStub(
                WebhookDeliveryWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(workflowId)
                    .setTaskQueue(workers.queueOf(WebhookDeliveryWorkflowImpl.class))
                    .setWorkflowExecutionTimeout(Duration.ofDays(3))
                    .build())
            .deliver(dispatch);
    return new Outcome(workflowId, result, times);
  }
}
