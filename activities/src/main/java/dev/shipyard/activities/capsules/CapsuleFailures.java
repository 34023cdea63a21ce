package dev.shipyard.activities.capsules;

import dev.shipyard.activities.codegen.UnsupportedRequestException;
import dev.shipyard.activities.codegen.llm.LlmException;
import dev.shipyard.workflows.capsules.GenerationFailure;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;

/**
 * The one place where exceptions of the capsule activities become Temporal failures. Named cases
 * get their {@link GenerationFailure} type, retryable or not as the enum says; anything else stays
 * retryable (the activity's profile bounds the attempts).
 */
final class CapsuleFailures {

  private CapsuleFailures() {}

  /** A typed failure with the enum's retry decision. */
  static ApplicationFailure of(GenerationFailure type, String message) {
    return type.retryable()
        ? ApplicationFailure.newFailure(message, type.name())
        : ApplicationFailure.newNonRetryableFailure(message, type.name());
  }

  /** The failure a step's exception becomes. */
  static RuntimeException map(Exception e) {
    if (e instanceof ApplicationFailure || e instanceof ActivityCompletionException) {
      return (RuntimeException) e;
    }
    if (e instanceof UnsupportedRequestException) {
      return of(GenerationFailure.UNSUPPORTED_REQUEST, e.getMessage());
    }
    if (e instanceof LlmException llm) {
      return of(type(llm.kind()), e.getMessage());
    }
    return Activity.wrap(e);
  }

  /**
   * LLM failures arrive after the HTTP client's own retries (429/5xx/network, honouring {@code
   * Retry-After}), so none of them is retried again by Temporal: retries live in one layer.
   */
  static GenerationFailure type(LlmException.Kind kind) {
    return switch (kind) {
      case RATE_LIMITED, SERVER_ERROR, NETWORK, INTERRUPTED ->
          GenerationFailure.ENGINE_RETRIES_EXHAUSTED;
      case REFUSED, INVALID_OUTPUT -> GenerationFailure.ENGINE_OUTPUT_INVALID;
      case AUTH, NOT_FOUND, REJECTED -> GenerationFailure.ENGINE_UNAVAILABLE;
    };
  }
}
