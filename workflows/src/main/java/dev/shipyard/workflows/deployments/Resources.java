package dev.shipyard.workflows.deployments;

/**
 * A container's resources as Kubernetes quantities ({@code cpu} such as {@code 100m}, {@code
 * memory} such as {@code 128Mi}); each is used as both request and limit. Either may be null.
 */
public record Resources(String cpu, String memory) {}
