package dev.shipyard.workflows.deployments;

/**
 * The answer to an accepted change, given once the change is applied to the cluster (not once the
 * rollout is over: the phase says whether one is under way).
 *
 * @param phase the phase after the change was applied
 * @param release the release the change created, null for domain and service changes
 * @param replicas the desired replicas after the change
 * @param previousReplicas the desired replicas before it
 * @param message a short line for the answer
 * @param namespaceDeleted for delete: whether the namespace went with it
 */
public record ChangeResult(
    DeploymentPhase phase,
    Integer release,
    int replicas,
    int previousReplicas,
    String message,
    boolean namespaceDeleted) {}
