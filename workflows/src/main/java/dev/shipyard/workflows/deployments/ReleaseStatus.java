package dev.shipyard.workflows.deployments;

/** What became of a release. */
public enum ReleaseStatus {
  /** Being applied or rolled out. */
  ROLLING_OUT,
  /** Rolled out and ready (the last healthy release is the target of an automatic rollback). */
  HEALTHY,
  /** Did not become ready within the progress deadline, or was refused by the cluster. */
  FAILED,
  /** A later release replaced it. */
  SUPERSEDED
}
