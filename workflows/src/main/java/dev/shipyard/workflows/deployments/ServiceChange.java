package dev.shipyard.workflows.deployments;

/** An extra Service to add, or to replace when one with the same ID exists. */
public record ServiceChange(Actor actor, ServiceSpec service) {}
