package dev.shipyard.workflows.deployments;

/**
 * What {@code apply} wrote: the Deployment's {@code metadata.generation} after the write (the
 * rollout to watch) and the digest the image resolved to when the registry was asked (else null).
 */
public record Applied(long generation, String digest) {}
