package dev.shipyard.workflows.capsules;

/** The outcome of one validation check. */
public enum CheckStatus {
  PASSED,
  FAILED,
  /** The check could not run (for example, a missing toolchain): never counted as passed. */
  NOT_RUN
}
