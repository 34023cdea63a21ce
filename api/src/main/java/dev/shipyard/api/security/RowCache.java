package dev.shipyard.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Rows of one kind that an API read answers from memory, trusted exactly as far as {@link
 * CredentialCache}: kept for {@code AUTH_CACHE_TTL}, used only while this instance listens for
 * changes, emptied with it, and an entry dropped at once on every change of its row announced under
 * one of {@code kinds} (by the database through {@code LISTEN/NOTIFY}, or by a writer on this
 * instance through {@link CredentialCache#changed}). A load that started before a change never
 * stores its answer.
 *
 * @param <K> the row's key
 * @param <V> what the read remembers of it
 */
public final class RowCache<K, V> implements CredentialCache.Dependent {

  private final Cache<K, V> entries;
  private final CredentialCache credentials;
  private final Set<String> kinds;
  private final Function<String, K> keyOf;
  private final Object lock = new Object();
  private long generation;

  /**
   * @param kinds the notification kinds that name these rows (e.g. {@code capsule})
   * @param keyOf the key of a notification's ID
   */
  public RowCache(
      AuthProperties properties,
      CredentialCache credentials,
      Set<String> kinds,
      Function<String, K> keyOf) {
    Duration ttl = properties.credentialCacheTtl();
    boolean configured = ttl != null && !ttl.isZero() && !ttl.isNegative();
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(configured ? ttl : Duration.ofMillis(1))
            .build();
    this.credentials = credentials;
    this.kinds = Set.copyOf(kinds);
    this.keyOf = keyOf;
    credentials.register(this);
  }

  /** The remembered value of {@code key}, or null (also while nothing may be trusted). */
  public V peek(K key) {
    return credentials.active() ? entries.getIfPresent(key) : null;
  }

  /**
   * What {@code load} reads for {@code key}, from memory when it may be; a loaded value is
   * remembered when {@code remember} accepts it.
   */
  public Mono<V> get(K key, Supplier<Mono<V>> load, Predicate<V> remember) {
    V cached = peek(key);
    if (cached != null) {
      return Mono.just(cached);
    }
    if (!credentials.active()) {
      return load.get();
    }
    long startedAt;
    synchronized (lock) {
      startedAt = generation;
    }
    return load.get().doOnNext(value -> put(key, startedAt, value, remember));
  }

  private void put(K key, long startedAt, V value, Predicate<V> remember) {
    if (!remember.test(value)) {
      return;
    }
    synchronized (lock) {
      if (generation == startedAt && credentials.active()) {
        entries.put(key, value);
      }
    }
  }

  @Override
  public boolean holds(String kind) {
    return kinds.contains(kind);
  }

  @Override
  public void changed(String kind, String id) {
    if (!holds(kind)) {
      return;
    }
    synchronized (lock) {
      generation++;
      entries.invalidate(keyOf.apply(id));
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
