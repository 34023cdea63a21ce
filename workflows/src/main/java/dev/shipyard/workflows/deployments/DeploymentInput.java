package dev.shipyard.workflows.deployments;

/**
 * The input of a deployment workflow: the first run's (state null) or, after continue-as-new, the
 * state it carries. Holds no secret.
 *
 * @param target where its objects live
 * @param tenantId the owner's tenant
 * @param ownerName the owner's username (Web UI summary)
 * @param spec the first release's spec (ignored when {@code state} is set)
 * @param settings the workflow's settings
 * @param state the carried state after continue-as-new, else null
 */
public record DeploymentInput(
    DeploymentTarget target,
    String tenantId,
    String ownerName,
    DeploymentSpec spec,
    DeploymentSettings settings,
    DeploymentState state) {

  /** The kind of deployment runs in {@code workflow_runs}. */
  public static final String KIND = "deployment";
}
