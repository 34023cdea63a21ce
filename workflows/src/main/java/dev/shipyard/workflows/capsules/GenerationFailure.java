package dev.shipyard.workflows.capsules;

/**
 * Every typed failure of capsule generation: the {@code ApplicationFailure} type of a failed
 * activity. Only the named cases that cannot succeed on a retry are non-retryable; the activities
 * map exceptions to them in one place ({@code activities/.../capsules/CapsuleFailures}).
 */
public enum GenerationFailure {
  /** The request cannot be served (unsupported language, contradictory constraints). */
  UNSUPPORTED_REQUEST(false),
  /** The engine answered with something unusable (LLM output that is not a project, a refusal). */
  ENGINE_OUTPUT_INVALID(false),
  /** The engine refused the call for good (LLM 401/403/404/4xx) or is not configured here. */
  ENGINE_UNAVAILABLE(false),
  /**
   * The LLM call failed with 429, 5xx or a network error on every one of the HTTP client's own
   * retries ({@code LLM_MAX_RETRIES}): not retried again by Temporal, so one step makes at most
   * {@code 1 + LLM_MAX_RETRIES} calls (retries live in one layer).
   */
  ENGINE_RETRIES_EXHAUSTED(false),
  /** Webhooks cannot be signed: {@code WEBHOOK_SIGNING_SECRET} is not set on the worker. */
  WEBHOOK_NOT_CONFIGURED(false),
  /** The outbound guard refused the webhook URL (nothing was sent; README: Outbound). */
  WEBHOOK_URL_REFUSED(false),
  /** The webhook receiver failed or answered non-2xx: retried by the delivery profile. */
  WEBHOOK_FAILED(true);

  private final boolean retryable;

  GenerationFailure(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether Temporal retries an activity that failed this way. */
  public boolean retryable() {
    return retryable;
  }
}
