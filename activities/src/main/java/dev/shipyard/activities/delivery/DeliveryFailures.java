package dev.shipyard.activities.delivery;

import dev.shipyard.workflows.delivery.DeliveryFailure;
import io.temporal.failure.ApplicationFailure;

/**
 * The typed failures of a destination: an {@code ApplicationFailure} whose type is the {@link
 * DeliveryFailure} name and which is non-retryable exactly when the failure cannot pass. Messages
 * must not hold credentials (a provider's exception text is passed through {@link #scrub} with the
 * credentials' values first).
 */
public final class DeliveryFailures {

  private DeliveryFailures() {}

  public static ApplicationFailure of(DeliveryFailure failure, String message) {
    return failure.retryable()
        ? ApplicationFailure.newFailure(message, failure.name())
        : ApplicationFailure.newNonRetryableFailure(message, failure.name());
  }

  /** {@code message} with every credential value (and its URL-encoded form) replaced. */
  public static String scrub(String message, DeliveryCredentials credentials) {
    if (message == null) {
      return null;
    }
    String scrubbed = message;
    for (String secret : credentials.secrets()) {
      if (secret.length() < 4) {
        continue;
      }
      scrubbed = scrubbed.replace(secret, "[hidden]");
      scrubbed =
          scrubbed.replace(
              java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8),
              "[hidden]");
    }
    return scrubbed;
  }
}
