package dev.shipyard.workflows.builds;

/**
 * Every typed failure of a build step: the {@code ApplicationFailure} type of a failed activity.
 * Non-retryable ones cannot pass on a retry; the activities map exceptions to them in one place
 * ({@code activities/.../builds/BuildFailures}).
 */
public enum BuildFailure {
  /** The project cannot be generated from this goal and these parameters. */
  UNSUPPORTED_REQUEST(false),
  /** The generation engine is not available here. */
  ENGINE_UNAVAILABLE(false),
  /** A toolchain the stack needs is not installed on the worker (the step and tool are named). */
  TOOLCHAIN_MISSING(false),
  /** A build step exited non-zero or timed out (named). */
  STEP_FAILED(false),
  /** The project's tests ran and some failed. */
  TESTS_FAILED(false),
  /** No project builder is configured on this worker. */
  BUILDER_UNAVAILABLE(false);

  private final boolean retryable;

  BuildFailure(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
