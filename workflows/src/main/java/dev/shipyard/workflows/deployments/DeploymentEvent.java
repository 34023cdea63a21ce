package dev.shipyard.workflows.deployments;

/**
 * A deployment webhook event (container-engine-api.md, Webhook Integration): {@code type} {@code
 * deployment_started}, {@code deployment_completed} or {@code deployment_failed}, {@code status}
 * {@code started}, {@code completed} or {@code failed}. {@code eventId} is stable across retries
 * (the webhook's ID); {@code timestamp} is ISO-8601.
 */
public record DeploymentEvent(
    String eventId,
    String type,
    String status,
    String deploymentId,
    String appName,
    String userId,
    String url,
    String timestamp) {}
