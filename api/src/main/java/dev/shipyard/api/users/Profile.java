package dev.shipyard.api.users;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * An account as its owner and admins see it ({@code /v1/user/profile}, {@code /v1/admin/users}).
 */
public record Profile(
    String id,
    String username,
    String email,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("last_login") @Schema(nullable = true) Instant lastLogin,
    @JsonProperty("is_active") boolean active,
    String role,
    @JsonProperty("tenant_id") String tenantId) {

  public static Profile of(UserRecord user) {
    return new Profile(
        user.id().toString(),
        user.username(),
        user.email(),
        user.createdAt().toInstant(),
        user.lastLogin() == null ? null : user.lastLogin().toInstant(),
        user.active(),
        user.role().value(),
        user.tenantId());
  }
}
