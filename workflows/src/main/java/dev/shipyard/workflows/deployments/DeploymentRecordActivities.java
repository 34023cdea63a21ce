package dev.shipyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/** Short writes and reads of a deployment's rows (bookkeeping profile). */
@ActivityInterface(namePrefix = "DeploymentRecord")
public interface DeploymentRecordActivities {

  /** Writes a projection (see {@link DeploymentProjection}); idempotent by sequence. */
  void record(DeploymentProjection projection);

  /** A release of the deployment from {@code deployment_releases}, or null when there is none. */
  Release release(String deploymentId, int number);

  /** The release of the deployment that ran {@code digest} most recently, or null. */
  Release releaseByDigest(String deploymentId, String digest);
}
