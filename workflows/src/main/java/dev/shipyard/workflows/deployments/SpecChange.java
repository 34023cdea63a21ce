package dev.shipyard.workflows.deployments;

import java.util.List;

/**
 * An update of a deployment's spec ({@code PUT /v1/deployments/{id}}, {@code PUT
 * /api/deployments/{id}}): each non-null field replaces the desired one. New environment values or
 * registry credentials come sealed in a new {@code secretsRevision}, stored by the API before the
 * update is sent.
 */
public record SpecChange(
    Actor actor,
    String image,
    Integer port,
    Integer replicas,
    Resources resources,
    List<String> envNames,
    Integer secretsRevision,
    Boolean registryAuth,
    HealthCheck healthCheck) {}
