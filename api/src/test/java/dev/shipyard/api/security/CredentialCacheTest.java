package dev.shipyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The rules {@link CredentialCache} keeps, whatever the timing of lookups and invalidations. */
class CredentialCacheTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static CredentialCache cache(Duration ttl) {
    return new CredentialCache(
        new AuthProperties(
            "x".repeat(AuthProperties.MIN_SECRET_BYTES),
            Duration.ofHours(1),
            Duration.ofDays(30),
            Duration.ofHours(1),
            5,
            Duration.ofMinutes(15),
            "ce_dev_",
            true,
            "default",
            null,
            "http://localhost/reset",
            ttl));
  }

  private static Caller caller(UUID user, UUID session, UUID key) {
    return new Caller(
        user, "u", "default", Role.USER, EnumSet.of(Permission.PROFILE_READ), session, key);
  }

  @Test
  void nothingIsCachedUntilListening() {
    CredentialCache cache = cache(Duration.ofSeconds(30));
    ByteBuffer key = CredentialCache.key("token-a");
    cache.put(key, cache.generation(), caller(UUID.randomUUID(), UUID.randomUUID(), null), null);
    assertThat(cache.active()).isFalse();
    assertThat(cache.get(key, NOW)).isNull();

    cache.listening();
    assertThat(cache.active()).isTrue();
    Caller caller = caller(UUID.randomUUID(), UUID.randomUUID(), null);
    cache.put(key, cache.generation(), caller, null);
    assertThat(cache.get(key, NOW)).isEqualTo(caller);
    assertThat(cache.remembers("token-a")).isTrue();
    assertThat(cache.remembers("token-b")).isFalse();

    // Losing the listener empties the cache and bypasses it.
    cache.notListening();
    assertThat(cache.get(key, NOW)).isNull();
    cache.listening();
    assertThat(cache.get(key, NOW)).as("nothing survives a gap in listening").isNull();
  }

  @Test
  void aZeroTtlTurnsTheCacheOff() {
    CredentialCache cache = cache(Duration.ZERO);
    cache.listening();
    assertThat(cache.active()).isFalse();
  }

  @Test
  void aLookupThatStartedBeforeAnInvalidationIsNotStored() {
    CredentialCache cache = cache(Duration.ofSeconds(30));
    cache.listening();
    UUID session = UUID.randomUUID();
    ByteBuffer key = CredentialCache.key("token");
    long started = cache.generation();
    // The session ends while the lookup (which saw it valid) is on its way.
    cache.sessionEnded(session);
    cache.put(key, started, caller(UUID.randomUUID(), session, null), null);
    assertThat(cache.get(key, NOW)).isNull();
  }

  @Test
  void entriesAreNotUsedPastTheCredentialsExpiry() {
    CredentialCache cache = cache(Duration.ofSeconds(30));
    cache.listening();
    ByteBuffer key = CredentialCache.key("token");
    cache.put(
        key,
        cache.generation(),
        caller(UUID.randomUUID(), UUID.randomUUID(), null),
        NOW.plusSeconds(10));
    assertThat(cache.get(key, NOW.plusSeconds(9))).isNotNull();
    assertThat(cache.get(key, NOW.plusSeconds(10))).isNull();
  }

  @Test
  void notificationsDropExactlyTheAffectedCredentials() {
    CredentialCache cache = cache(Duration.ofSeconds(30));
    cache.listening();
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    UUID aliceSession = UUID.randomUUID();
    UUID aliceOtherSession = UUID.randomUUID();
    UUID bobKey = UUID.randomUUID();
    ByteBuffer a1 = CredentialCache.key("a1");
    ByteBuffer a2 = CredentialCache.key("a2");
    ByteBuffer b = CredentialCache.key("b");
    cache.put(a1, cache.generation(), caller(alice, aliceSession, null), null);
    cache.put(a2, cache.generation(), caller(alice, aliceOtherSession, null), null);
    cache.put(b, cache.generation(), caller(bob, null, bobKey), null);

    cache.apply("session:" + aliceSession);
    assertThat(cache.get(a1, NOW)).isNull();
    assertThat(cache.get(a2, NOW)).isNotNull();
    assertThat(cache.get(b, NOW)).isNotNull();

    cache.apply("key:" + bobKey);
    assertThat(cache.get(b, NOW)).isNull();
    assertThat(cache.get(a2, NOW)).isNotNull();

    cache.apply("user:" + alice);
    assertThat(cache.get(a2, NOW)).isNull();

    // Anything not understood empties the whole cache rather than risk keeping a stale entry.
    cache.put(a1, cache.generation(), caller(alice, aliceSession, null), null);
    cache.apply("something-new:42");
    assertThat(cache.get(a1, NOW)).isNull();
  }

  @Test
  void dependentCachesHearTheirKindsAndAreEmptiedWithThisOne() {
    CredentialCache cache = cache(Duration.ofSeconds(30));
    cache.listening();
    java.util.List<String> heard = new java.util.ArrayList<>();
    int[] cleared = {0};
    cache.register(
        new CredentialCache.Dependent() {
          @Override
          public boolean holds(String kind) {
            return kind.equals("capsule") || kind.equals("profile");
          }

          @Override
          public void changed(String kind, String id) {
            heard.add(kind + ":" + id);
          }

          @Override
          public void clear() {
            cleared[0]++;
          }
        });
    UUID user = UUID.randomUUID();
    ByteBuffer key = CredentialCache.key("k");
    cache.put(key, cache.generation(), caller(user, UUID.randomUUID(), null), null);

    cache.apply("capsule:cap-1");
    cache.apply("profile:" + user);
    assertThat(heard).containsExactly("capsule:cap-1", "profile:" + user);
    assertThat(cache.get(key, NOW)).as("a profile change keeps credentials").isNotNull();
    assertThat(cleared[0]).isZero();

    cache.apply("user:" + user); // a user change reaches the profile caches too
    assertThat(heard).contains("profile:" + user).hasSize(3);
    cache.apply("something-new:42");
    assertThat(cleared[0]).isEqualTo(1);
    cache.notListening();
    assertThat(cleared[0]).isEqualTo(2);
  }
}
