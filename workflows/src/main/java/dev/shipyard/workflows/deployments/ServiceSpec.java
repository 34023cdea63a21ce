package dev.shipyard.workflows.deployments;

/**
 * An extra Service of a deployment (deployment-contracts.md {@code /api/services}), selecting the
 * deployment's pods. {@code id} is its UUID ({@code deployment_services.id}); {@code type} is
 * {@code ClusterIP}, {@code NodePort} or {@code LoadBalancer}; {@code protocol} {@code TCP} or
 * {@code UDP}.
 */
public record ServiceSpec(
    String id, String name, String type, int port, int targetPort, String protocol) {}
