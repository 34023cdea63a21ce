package dev.shipyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/**
 * Deployment events sent out: the signed webhook to {@code WEBHOOK_URL} (delivery profile; a
 * failure never fails the deployment).
 */
@ActivityInterface(namePrefix = "DeploymentEvents")
public interface DeploymentEventActivities {

  void send(DeploymentEvent event);
}
