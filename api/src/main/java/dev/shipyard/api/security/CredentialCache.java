package dev.shipyard.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * Callers already authenticated, by the SHA-256 digest of their credential (access token or API
 * key), for at most {@code AUTH_CACHE_TTL} (default 30 s): a repeated credential costs no token
 * parsing and no query. Correctness does not rest on the TTL:
 *
 * <ul>
 *   <li>every change that ends or narrows a credential (logout, refresh-token reuse, password
 *       change or reset, role change, deactivation, key revocation) drops the affected entries at
 *       once: on this instance by the writer itself, on every instance through PostgreSQL {@code
 *       LISTEN/NOTIFY} ({@link IdentityChanges}, triggers of migration {@code V5});
 *   <li>the cache is used only while this instance is listening: when the listening connection is
 *       lost it is cleared and bypassed (every request reads the database, as without a cache)
 *       until {@code LISTEN} is in force again;
 *   <li>a lookup that started before an invalidation never stores its (possibly stale) answer.
 * </ul>
 *
 * Only successes are cached, and an entry past its credential's own expiry is never used.
 */
@Component
public class CredentialCache {

  /** A cached caller, usable until {@code usableUntil} (the credential's expiry, or null). */
  record Entry(Caller caller, Instant usableUntil) {}

  /**
   * Another read cache of this instance (profiles, finished capsules) that is trusted exactly as
   * far as this one: used only while this instance listens for changes ({@link #active()}), emptied
   * whenever this cache is, and told of every change announced on channel {@code shipyard_identity}
   * (or made by a writer on this instance): {@code kind} is {@code user}, {@code profile}, {@code
   * capsule}, ...; {@code id} the changed row's ID. Kinds it does not hold are ignored.
   */
  public interface Dependent {

    /**
     * Whether this cache holds rows of {@code kind} (a notification of no known kind empties all).
     */
    boolean holds(String kind);

    void changed(String kind, String id);

    void clear();
  }

  private final Cache<ByteBuffer, Entry> entries;
  private final List<Dependent> dependents = new CopyOnWriteArrayList<>();
  private final boolean configured;
  private final Object lock = new Object();
  private long generation;
  private volatile boolean listening;

  public CredentialCache(AuthProperties properties) {
    Duration ttl = properties.credentialCacheTtl();
    this.configured = ttl != null && !ttl.isZero() && !ttl.isNegative();
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(configured ? ttl : Duration.ofMillis(1))
            .build();
  }

  /** Whether lookups are answered from memory now. */
  public boolean active() {
    return configured && listening;
  }

  /** The key of a credential: its digest, so no credential is held in memory. */
  static ByteBuffer key(String credential) {
    return ByteBuffer.wrap(Secrets.digest(credential));
  }

  /** Registers a cache that must forget what changed. */
  public void register(Dependent dependent) {
    dependents.add(dependent);
  }

  /** The cached caller for this key, if any and still usable at {@code now}. */
  Caller get(ByteBuffer key, Instant now) {
    if (!active()) {
      return null;
    }
    Entry entry = entries.getIfPresent(key);
    if (entry == null) {
      return null;
    }
    if (entry.usableUntil() != null && !now.isBefore(entry.usableUntil())) {
      entries.invalidate(key);
      return null;
    }
    return entry.caller();
  }

  /** Whether a caller is cached for this credential now (tests and diagnostics). */
  public boolean remembers(String credential) {
    return active() && entries.getIfPresent(key(credential)) != null;
  }

  /** Call before a lookup; pass the value to {@link #put}. */
  long generation() {
    synchronized (lock) {
      return generation;
    }
  }

  /** Stores a lookup's answer, unless anything was invalidated since it started. */
  void put(ByteBuffer key, long startedAt, Caller caller, Instant usableUntil) {
    if (!active()) {
      return;
    }
    synchronized (lock) {
      if (generation == startedAt) {
        entries.put(key, new Entry(caller, usableUntil));
      }
    }
  }

  /** A session ended: its access tokens stop working here at once. */
  public void sessionEnded(UUID sessionId) {
    drop(caller -> sessionId.equals(caller.sessionId()));
  }

  /** A user's role, state, name or password changed: every credential of theirs is looked up. */
  public void userChanged(UUID userId) {
    drop(caller -> userId.equals(caller.userId()));
    profileChanged(userId);
  }

  /**
   * Only what a user's profile shows changed (email, last login): credentials stay, the caches of
   * user data forget the user.
   */
  public void profileChanged(UUID userId) {
    changed("profile", userId.toString());
  }

  /** A row another cache may hold changed (on this instance: its writer calls this at once). */
  public void changed(String kind, String id) {
    dependents.forEach(d -> d.changed(kind, id));
  }

  /** An API key was revoked or changed. */
  public void apiKeyChanged(UUID keyId) {
    drop(caller -> keyId.equals(caller.apiKeyId()));
  }

  /**
   * Applies one notification of channel {@code shipyard_identity}: {@code kind:id}. Identity kinds
   * ({@code session}, {@code user}, {@code key}, {@code profile}) carry a UUID; other kinds (such
   * as {@code capsule}) go to the dependent caches as they are. Anything unreadable empties every
   * cache.
   */
  void apply(String change) {
    int colon = change == null ? -1 : change.indexOf(':');
    if (colon < 0) {
      clear();
      return;
    }
    String kind = change.substring(0, colon);
    String raw = change.substring(colon + 1);
    if (!List.of("session", "user", "key", "profile").contains(kind)) {
      if (dependents.stream().anyMatch(d -> d.holds(kind))) {
        changed(kind, raw);
      } else {
        clear();
      }
      return;
    }
    UUID id;
    try {
      id = UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      clear();
      return;
    }
    switch (kind) {
      case "session" -> sessionEnded(id);
      case "user" -> userChanged(id);
      case "key" -> apiKeyChanged(id);
      default -> profileChanged(id);
    }
  }

  /** Listening started: the cache may be used (it starts empty). */
  void listening() {
    clear();
    listening = true;
  }

  /** Listening stopped: changes could be missed, so nothing cached is trusted any more. */
  void notListening() {
    listening = false;
    clear();
  }

  void clear() {
    drop(caller -> true);
    dependents.forEach(Dependent::clear);
  }

  private void drop(Predicate<Caller> affected) {
    synchronized (lock) {
      generation++;
      entries.asMap().values().removeIf(entry -> affected.test(entry.caller()));
    }
  }
}
