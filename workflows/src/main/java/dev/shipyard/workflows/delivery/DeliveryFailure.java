package dev.shipyard.workflows.delivery;

/**
 * Typed failures of a destination (the {@code ApplicationFailure} type of a failed delivery
 * activity). The non-retryable ones are reported at once; the retryable ones are retried with
 * backoff within the provider's retry window ({@link DeliveryProviders.Provider#retryWindow()}) and
 * then reported with their last cause.
 */
public enum DeliveryFailure {
  /** The destination refused the credentials (401/403, a bad key, a revoked token). */
  CREDENTIALS_REJECTED(false),
  /** The bucket, container or repository does not exist (and is not one the provider creates). */
  DESTINATION_NOT_FOUND(false),
  /** The destination refused the request for another reason (another 4xx, a rejected push). */
  REQUEST_REJECTED(false),
  /** The outbound guard refused the destination's address (metadata, private, loopback). */
  OUTBOUND_REFUSED(false),
  /** The capsule version or one of its files is gone: retrying cannot help. */
  CONTENT_MISSING(false),
  /** The sealed credentials are gone or do not open (deleted target, unknown key ID). */
  CREDENTIALS_UNAVAILABLE(false),
  /** Network errors, timeouts, 5xx, throttling: retried within the provider's window. */
  DESTINATION_UNAVAILABLE(true);

  private final boolean retryable;

  DeliveryFailure(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
