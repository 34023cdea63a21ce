package dev.shipyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/**
 * Every side effect of deployments on the cluster (fabric8). Idempotent: create-or-replace and
 * JSON-merge patches, labels tie every object to its deployment. Failures are typed by {@link
 * DeploymentFailure}. Rollout watches are {@link DeploymentRolloutActivities} (a profile of their
 * own).
 */
@ActivityInterface(namePrefix = "DeploymentCluster")
public interface DeploymentClusterActivities {

  /** Writes the deployment's objects (see {@link ApplyRequest}). */
  Applied apply(ApplyRequest request);

  /** Reads the deployment's state in the cluster, with drift. */
  ObservedState observe(ObserveRequest request);

  /**
   * Deletes the deployment's objects and its Secrets, and the namespace when nothing else of
   * Shipyard's is in it (never a shared {@code KUBERNETES_NAMESPACE}); returns whether the
   * namespace was deleted.
   */
  boolean delete(DeploymentTarget target);
}
