package dev.shipyard.workflows.deployments;

/** A custom domain to add (the API has reserved the host in {@code deployment_domains}). */
public record DomainChange(Actor actor, CustomDomain domain) {}
