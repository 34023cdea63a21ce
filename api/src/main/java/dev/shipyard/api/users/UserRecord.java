package dev.shipyard.api.users;

import dev.shipyard.api.security.Role;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code users}. The password hash never leaves the server. */
public record UserRecord(
    UUID id,
    String tenantId,
    String username,
    String email,
    String passwordHash,
    Role role,
    boolean active,
    int failedLogins,
    OffsetDateTime lockedUntil,
    OffsetDateTime lastLogin,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  @Override
  public String toString() {
    return "UserRecord[id=" + id + ", tenant=" + tenantId + ", username=" + username + "]";
  }
}
