package dev.shipyard.workflows.deployments;

/**
 * Where a deployment's objects live, fixed when it is created (the API computes it with {@code
 * cluster/.../DeploymentObjects}, whose fields these are, so a later change of configuration never
 * moves a running deployment).
 */
public record DeploymentTarget(
    String deploymentId, String ownerId, String appName, String namespace, String name) {

  /** The workflow ID of a deployment: {@code deployment-<id>}. */
  public static String workflowId(String deploymentId) {
    return "deployment-" + deploymentId;
  }

  public String workflowId() {
    return workflowId(deploymentId);
  }
}
