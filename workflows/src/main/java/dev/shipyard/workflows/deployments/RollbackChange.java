package dev.shipyard.workflows.deployments;

/**
 * A rollback to an earlier release, named by its number or by the digest it ran (exactly one of
 * them): its spec is applied again with the image pinned to that digest.
 */
public record RollbackChange(Actor actor, Integer release, String digest) {}
