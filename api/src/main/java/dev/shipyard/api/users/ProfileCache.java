package dev.shipyard.api.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.CredentialCache;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Profiles ({@code GET /v1/user/profile}) by user, remembered as long as a credential is ({@code
 * AUTH_CACHE_TTL}) and trusted exactly as far as {@link CredentialCache}: used only while it is
 * (this instance listens for changes), emptied with it, and a user's entry dropped at once on every
 * change of the user (by the writer on this instance, by {@code LISTEN/NOTIFY} on every other:
 * triggers of migrations V5 and V6_1). A lookup that started before a change never stores its
 * answer.
 */
@Component
class ProfileCache implements CredentialCache.Dependent {

  private final Cache<UUID, Profile> entries;
  private final CredentialCache credentials;
  private final Object lock = new Object();
  private long generation;

  ProfileCache(AuthProperties properties, CredentialCache credentials) {
    Duration ttl = properties.credentialCacheTtl();
    boolean configured = ttl != null && !ttl.isZero() && !ttl.isNegative();
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(configured ? ttl : Duration.ofMillis(1))
            .build();
    this.credentials = credentials;
    credentials.register(this);
  }

  /** The user's profile, from memory when it may be trusted, else from {@code load}. */
  Mono<Profile> get(UUID userId, Supplier<Mono<Profile>> load) {
    if (!credentials.active()) {
      return load.get();
    }
    Profile cached = entries.getIfPresent(userId);
    if (cached != null) {
      return Mono.just(cached);
    }
    long startedAt;
    synchronized (lock) {
      startedAt = generation;
    }
    return load.get().doOnNext(profile -> put(userId, startedAt, profile));
  }

  private void put(UUID userId, long startedAt, Profile profile) {
    synchronized (lock) {
      if (generation == startedAt && credentials.active()) {
        entries.put(userId, profile);
      }
    }
  }

  @Override
  public boolean holds(String kind) {
    return kind.equals("user") || kind.equals("profile");
  }

  @Override
  public void changed(String kind, String id) {
    if (!holds(kind)) {
      return;
    }
    synchronized (lock) {
      generation++;
      entries.invalidate(UUID.fromString(id));
    }
  }

  @Override
  public void clear() {
    synchronized (lock) {
      generation++;
      entries.invalidateAll();
    }
  }
}
