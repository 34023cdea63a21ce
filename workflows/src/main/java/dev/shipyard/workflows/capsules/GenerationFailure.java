package dev.shipyard.workflows.capsules;

/** Types of non-retryable generation failures (the {@code ApplicationFailure} type). */
public enum GenerationFailure {
  /** The request cannot be served (unsupported language, contradictory constraints). */
  UNSUPPORTED_REQUEST,
  /** The engine answered with something unusable (LLM output that is not a project). */
  ENGINE_OUTPUT_INVALID,
  /** The engine refused the call for good (LLM 401/403/404). */
  ENGINE_UNAVAILABLE
}
