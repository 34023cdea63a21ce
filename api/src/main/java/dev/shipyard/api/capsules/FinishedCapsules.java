package dev.shipyard.api.capsules;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shipyard.api.security.AuthProperties;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.CredentialCache;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What {@code GET /capsule/{id}} shows of finished capsules (stored, failed, cancelled), remembered
 * by ID for {@code AUTH_CACHE_TTL}: a finished run never changes (the projection keeps closed runs
 * closed), and any later change or deletion of the capsule row is announced by the database ({@code
 * capsule:<id>} on {@code shipyard_identity}, migration V6_2) and drops the entry on every
 * instance; a writer on this instance calls {@link CredentialCache#changed} itself. Trusted exactly
 * as far as the credential cache (used only while this instance listens), so a lost listener means
 * every read goes to the database. Capsules still running are never remembered. Visibility is
 * checked on every read against the remembered tenant and owner (404 as from the database).
 */
@Component
class FinishedCapsules implements CredentialCache.Dependent {

  private final Cache<String, CapsuleRecord> entries;
  private final CredentialCache credentials;
  private final Object lock = new Object();
  private long generation;

  FinishedCapsules(AuthProperties properties, CredentialCache credentials) {
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

  /** The capsule as {@code load} reads it for {@code caller}, from memory when it may be. */
  Mono<CapsuleRecord> get(Caller caller, String id, Supplier<Mono<CapsuleRecord>> load) {
    if (!credentials.active()) {
      return load.get();
    }
    CapsuleRecord cached = entries.getIfPresent(id);
    if (cached != null) {
      return caller.canSee(cached.tenantId(), cached.ownerId())
          ? Mono.just(cached)
          : Mono.error(CapsuleController.notFound(id));
    }
    long startedAt;
    synchronized (lock) {
      startedAt = generation;
    }
    return load.get().doOnNext(capsule -> remember(startedAt, capsule));
  }

  private void remember(long startedAt, CapsuleRecord capsule) {
    if (!capsule.finished()) {
      return;
    }
    synchronized (lock) {
      if (generation == startedAt && credentials.active()) {
        entries.put(capsule.id(), capsule);
      }
    }
  }

  @Override
  public boolean holds(String kind) {
    return kind.equals("capsule");
  }

  @Override
  public void changed(String kind, String id) {
    if (!holds(kind)) {
      return;
    }
    synchronized (lock) {
      generation++;
      entries.invalidate(id);
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
