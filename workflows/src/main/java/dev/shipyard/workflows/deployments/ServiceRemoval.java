package dev.shipyard.workflows.deployments;

/** An extra Service to remove, by its ID. */
public record ServiceRemoval(Actor actor, String serviceId) {}
