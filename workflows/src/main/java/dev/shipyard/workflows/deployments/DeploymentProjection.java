package dev.shipyard.workflows.deployments;

import java.util.List;

/**
 * One state of a deployment written to PostgreSQL: its run in {@code workflow_runs} (the one status
 * path: status from {@link DeploymentPhase#run()}, the phase, the error), its business row in
 * {@code deployments} (replicas, digest, deployed_at) and the releases that changed. When {@code
 * notify} is set and the phase changed, a {@code deployment_status_changed} notification is
 * recorded for the owner. Sequence-guarded like every projection.
 */
public record DeploymentProjection(
    DeploymentTarget target,
    String tenantId,
    DeploymentPhase phase,
    String error,
    int desiredReplicas,
    int availableReplicas,
    String image,
    String digest,
    Long deployedAt,
    List<Release> releases,
    String url,
    String details,
    long sequence) {

  public DeploymentProjection {
    releases = releases == null ? List.of() : List.copyOf(releases);
  }
}
