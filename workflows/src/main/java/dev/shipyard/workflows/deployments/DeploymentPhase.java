package dev.shipyard.workflows.deployments;

import dev.shipyard.workflows.platform.RunStatus;
import java.util.Locale;

/**
 * Where a deployment is. {@link #transitional()} phases always have a deadline (the progress
 * deadline of a rollout, the profile of a cluster call), so none lasts forever.
 */
public enum DeploymentPhase {
  /** Accepted; nothing applied to the cluster yet. */
  PENDING,
  /** The first release is rolling out. */
  DEPLOYING,
  RUNNING,
  /** A later release (update, start, rollback) is rolling out. */
  UPDATING,
  STOPPED,
  FAILED,
  DELETING,
  DELETED;

  /** The lower-case name shown in APIs ({@code running}, ...). */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeploymentPhase of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Whether a change is under way: only delete is accepted then. */
  public boolean transitional() {
    return this == PENDING || this == DEPLOYING || this == UPDATING || this == DELETING;
  }

  /** The run status of the deployment's workflow in {@code workflow_runs}. */
  public RunStatus run() {
    return this == DELETED ? RunStatus.COMPLETED : RunStatus.RUNNING;
  }
}
