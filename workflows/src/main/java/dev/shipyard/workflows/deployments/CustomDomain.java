package dev.shipyard.workflows.deployments;

/**
 * A custom domain of a deployment: an Ingress with {@code host}, TLS through the configured
 * cert-manager cluster issuer. {@code id} is the domain's UUID ({@code deployment_domains.id}).
 */
public record CustomDomain(String id, String host) {}
