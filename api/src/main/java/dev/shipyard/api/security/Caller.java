package dev.shipyard.api.security;

import java.util.Set;
import java.util.UUID;

/**
 * The authenticated caller of a request: a user through an access token, or through one of their
 * API keys. Resources are scoped by {@link #tenantId()} and {@link #userId()}; an admin sees
 * everything in their tenant, anyone else only what they own.
 *
 * @param userId the user's ID
 * @param username the user's current username
 * @param tenantId the tenant the user belongs to
 * @param role the user's current role
 * @param permissions what this caller may do: the role's permissions, narrowed by the API key's
 *     scopes when a key is used
 * @param sessionId the login session behind an access token, or null for an API key
 * @param apiKeyId the API key used, or null for an access token
 */
public record Caller(
    UUID userId,
    String username,
    String tenantId,
    Role role,
    Set<Permission> permissions,
    UUID sessionId,
    UUID apiKeyId) {

  public boolean has(Permission permission) {
    return permissions.contains(permission);
  }

  /** Whether this caller sees every resource of their tenant, not only their own. */
  public boolean seesWholeTenant() {
    return role == Role.ADMIN;
  }

  /** Whether a resource owned by {@code ownerId} in {@code tenant} is visible to this caller. */
  public boolean canSee(String tenant, UUID ownerId) {
    return tenantId.equals(tenant) && (seesWholeTenant() || userId.equals(ownerId));
  }

  /** The rate-limit identity: the API key when one is used, else the user. */
  public String rateLimitKey() {
    return apiKeyId != null ? "key:" + apiKeyId : "user:" + userId;
  }
}
