package dev.shipyard.workflows.deployments;

import java.util.List;

/**
 * Everything to write into the cluster for a deployment (create-or-replace, idempotent): the
 * namespace, the environment Secret of {@code spec.secretsRevision()}, the registry Secret, the
 * Deployment, its Service, one Ingress per domain and the extra Services; Ingresses and extra
 * Services labelled as the deployment's but not listed are removed.
 *
 * @param release the release applied (the Deployment's change-cause annotation), null when only
 *     domains or services change
 * @param progressDeadlineSeconds the Deployment's {@code progressDeadlineSeconds}
 */
public record ApplyRequest(
    DeploymentTarget target,
    DeploymentSpec spec,
    List<CustomDomain> domains,
    List<ServiceSpec> services,
    Integer release,
    int progressDeadlineSeconds) {

  public ApplyRequest {
    domains = domains == null ? List.of() : List.copyOf(domains);
    services = services == null ? List.of() : List.copyOf(services);
  }
}
