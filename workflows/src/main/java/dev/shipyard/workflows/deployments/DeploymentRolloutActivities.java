package dev.shipyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/**
 * Watching a rollout in the cluster: long, mostly waiting, heartbeating (profile {@code
 * ROLLOUT_WATCH}); the workflow sets the attempt's start-to-close from the progress deadline.
 */
@ActivityInterface(namePrefix = "DeploymentRollout")
public interface DeploymentRolloutActivities {

  /**
   * Watches the rollout until it completes, fails (the Deployment's progress deadline, or a
   * container that cannot start) or the deadline passes; heartbeats while it watches.
   */
  RolloutResult awaitRollout(RolloutRequest request);
}
