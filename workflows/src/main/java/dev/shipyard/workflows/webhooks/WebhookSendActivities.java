package dev.shipyard.workflows.webhooks;

import io.temporal.activity.ActivityInterface;

/** One signed POST of a webhook message, recorded as a {@code webhook_attempts} row. */
@ActivityInterface(namePrefix = "WebhookSend")
public interface WebhookSendActivities {

  /**
   * Sends {@code dispatch}'s message once and records the attempt ({@code attempt} counts from 1;
   * the row is keyed by workflow ID and attempt, so a repeated call records once). Never throws for
   * an answer of the receiver: the outcome says what happened.
   */
  WebhookAttemptOutcome attempt(WebhookDispatch dispatch, int attempt);
}
