package dev.shipyard.workflows.webhooks;

/** What one attempt ended with; only {@link #FAILED} is tried again on the schedule. */
public enum WebhookAttemptOutcome {
  /** A 2xx answer: the message is delivered. */
  DELIVERED,
  /** A non-2xx answer (other than 410) or a transport failure: tried again later. */
  FAILED,
  /** 410 Gone: the receiver asked to stop; the subscription is disabled. */
  GONE,
  /** The outbound guard refused the URL (nothing was sent): retrying cannot change that. */
  REFUSED,
  /**
   * The endpoint failed continuously for longer than the configured period: the subscription is
   * disabled and its owner notified.
   */
  DISABLED,
  /** Nothing to send to: the subscription was deleted or disabled, or no signing secret is set. */
  NOT_SENDABLE;

  public boolean retry() {
    return this == FAILED;
  }
}
