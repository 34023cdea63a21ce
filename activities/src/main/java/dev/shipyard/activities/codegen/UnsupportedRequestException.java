package dev.shipyard.activities.codegen;

/**
 * A request no engine can serve as asked (an unsupported language, contradictory constraints, an
 * entity name unusable in code). Retrying cannot help: the capsule activities map it to the
 * non-retryable {@code GenerationFailure.UNSUPPORTED_REQUEST}. Other {@link
 * IllegalArgumentException}s are programming errors and stay retryable.
 */
public class UnsupportedRequestException extends IllegalArgumentException {

  public UnsupportedRequestException(String message) {
    super(message);
  }
}
