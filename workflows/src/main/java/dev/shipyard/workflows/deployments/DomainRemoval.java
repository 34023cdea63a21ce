package dev.shipyard.workflows.deployments;

/** A custom domain to remove, by its ID. */
public record DomainRemoval(Actor actor, String domainId) {}
