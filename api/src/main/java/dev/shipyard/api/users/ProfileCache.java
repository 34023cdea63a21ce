package dev.shipyard.api.users;

import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.CredentialCache;
import dev.shipyard.api.security.RowCache;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Profiles ({@code GET /v1/user/profile}) by user, from memory as a {@link RowCache}: dropped on
 * every change of the user ({@code user:<id>}, migration V5) and of what a profile shows beyond it
 * (email, last login: {@code profile:<id>}, migration V6_1).
 */
@Component
class ProfileCache {

  private final RowCache<UUID, Profile> rows;

  ProfileCache(AuthProperties properties, CredentialCache credentials) {
    this.rows =
        new RowCache<>(properties, credentials, Set.of("user", "profile"), UUID::fromString);
  }

  /** The user's profile, from memory when it may be trusted, else from {@code load}. */
  Mono<Profile> get(UUID userId, Supplier<Mono<Profile>> load) {
    return rows.get(userId, load, profile -> true);
  }
}
