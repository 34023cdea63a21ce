package dev.shipyard.workflows.deployments;

/**
 * An HTTP health check (container-engine-api.md {@code health_check}): the liveness and readiness
 * probes of the container, an HTTP GET of {@code path} on the deployment's port.
 */
public record HealthCheck(
    String path,
    int initialDelaySeconds,
    int periodSeconds,
    int timeoutSeconds,
    int failureThreshold) {}
