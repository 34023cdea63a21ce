package dev.shipyard.workflows.deployments;

/** A scale to {@code replicas} (at least 1; stopping is {@code stop}). */
public record ScaleChange(Actor actor, int replicas) {}
