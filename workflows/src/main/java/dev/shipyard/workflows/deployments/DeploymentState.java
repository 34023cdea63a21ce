package dev.shipyard.workflows.deployments;

import java.util.List;

/**
 * A deployment's desired and observed state: the workflow's own state, answered by the {@code
 * state} query and carried across continue-as-new.
 *
 * @param phase where the deployment is
 * @param desired what it should run now
 * @param stoppedReplicas the replicas to restore on start while stopped (else 0)
 * @param domains its custom domains
 * @param services its extra Services
 * @param releases the newest releases, oldest first, at most {@link
 *     DeploymentSettings#inlineReleases()}
 * @param releaseCount how many releases exist (older ones live in {@code deployment_releases})
 * @param currentRelease the number of the release the cluster should run, null before the first
 * @param lastHealthyRelease the number of the last release that became ready, else null
 * @param error why the deployment failed (the cluster's reason), else null
 * @param observed the last read of the cluster, null before the first
 * @param createdAt when the deployment was created (epoch milliseconds)
 * @param deployedAt when a release last became ready, else null
 * @param updatedAt when the state last changed
 * @param sequence the projection sequence (grows across continue-as-new)
 * @param runs how many times the workflow continued as new
 */
public record DeploymentState(
    DeploymentPhase phase,
    DeploymentSpec desired,
    int stoppedReplicas,
    List<CustomDomain> domains,
    List<ServiceSpec> services,
    List<Release> releases,
    int releaseCount,
    Integer currentRelease,
    Integer lastHealthyRelease,
    String error,
    ObservedState observed,
    long createdAt,
    Long deployedAt,
    long updatedAt,
    long sequence,
    int runs) {

  public DeploymentState {
    domains = domains == null ? List.of() : List.copyOf(domains);
    services = services == null ? List.of() : List.copyOf(services);
    releases = releases == null ? List.of() : List.copyOf(releases);
  }
}
