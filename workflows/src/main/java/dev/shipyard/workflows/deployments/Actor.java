package dev.shipyard.workflows.deployments;

/** Who asked for a change: the user's ID and username, and the request's {@code X-Request-ID}. */
public record Actor(String userId, String name, String requestId) {}
