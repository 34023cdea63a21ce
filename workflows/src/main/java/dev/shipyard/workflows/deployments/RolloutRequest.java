package dev.shipyard.workflows.deployments;

/** Watch the rollout of the Deployment's {@code generation}, for at most the deadline. */
public record RolloutRequest(
    DeploymentTarget target, long generation, int replicas, int progressDeadlineSeconds) {}
