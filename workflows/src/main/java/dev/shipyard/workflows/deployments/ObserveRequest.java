package dev.shipyard.workflows.deployments;

import java.util.List;

/**
 * Read the cluster's state of a deployment and compare it with what should be there ({@code spec},
 * {@code domains}, {@code services}; {@code applied}: whether anything should exist yet), reporting
 * differences as drift.
 */
public record ObserveRequest(
    DeploymentTarget target,
    DeploymentSpec spec,
    List<CustomDomain> domains,
    List<ServiceSpec> services,
    boolean applied) {

  public ObserveRequest {
    domains = domains == null ? List.of() : List.copyOf(domains);
    services = services == null ? List.of() : List.copyOf(services);
  }
}
