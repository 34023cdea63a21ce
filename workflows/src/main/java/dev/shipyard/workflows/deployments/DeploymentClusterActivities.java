package dev.shipyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/**
 * Every side effect of deployments on the cluster (fabric8). Idempotent: create-or-replace and
 * JSON-merge patches, labels tie every object to its deployment. Failures are typed by {@link
 * DeploymentFailure}.
 */
@ActivityInterface(namePrefix = "DeploymentCluster")
public interface DeploymentClusterActivities {

  /** Writes the deployment's objects (see {@link ApplyRequest}). */
  Applied apply(ApplyRequest request);

  /** Reads the deployment's state in the cluster, with drift. */
  ObservedState observe(ObserveRequest request);

  /**
   * Watches the rollout until it completes, fails (the Deployment's progress deadline, or a
   * container that cannot start) or the deadline passes; heartbeats while it watches.
   */
  RolloutResult awaitRollout(RolloutRequest request);

  /**
   * Deletes the deployment's objects and its Secrets, and the namespace when nothing else of
   * Shipyard's is in it (never a shared {@code KUBERNETES_NAMESPACE}); returns whether the
   * namespace was deleted.
   */
  boolean delete(DeploymentTarget target);
}
