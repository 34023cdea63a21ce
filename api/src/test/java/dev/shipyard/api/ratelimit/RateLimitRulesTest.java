package dev.shipyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Role;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pure rules: which bucket a request lands in, header arithmetic, exempt paths. */
class RateLimitRulesTest {

  static final RateLimitProperties DEFAULTS =
      new RateLimitProperties(true, Duration.ofMinutes(1), 100, 500, 1000, 10, 5, 5, 30);

  static Caller caller(Role role, UUID apiKey) {
    return new Caller(UUID.randomUUID(), "u", "default", role, Set.of(), null, apiKey);
  }

  @Test
  void standardCeilingFollowsTheRoleAndAnonymousCallersGetTheStandardOnePerIp() {
    assertThat(Quota.of(RateClass.STANDARD, null, "10.0.0.7", DEFAULTS))
        .isEqualTo(new Quota(RateClass.STANDARD, "standard:100:ip:10.0.0.7", 100));
    assertThat(Quota.of(RateClass.STANDARD, caller(Role.VIEWER, null), "ip", DEFAULTS).limit())
        .isEqualTo(100);
    assertThat(Quota.of(RateClass.STANDARD, caller(Role.USER, null), "ip", DEFAULTS).limit())
        .isEqualTo(100);
    assertThat(Quota.of(RateClass.STANDARD, caller(Role.PREMIUM, null), "ip", DEFAULTS).limit())
        .isEqualTo(500);
    assertThat(Quota.of(RateClass.STANDARD, caller(Role.ADMIN, null), "ip", DEFAULTS).limit())
        .isEqualTo(1000);
  }

  @Test
  void otherClassesHaveTheirOwnLimitWhateverTheRole() {
    Caller admin = caller(Role.ADMIN, null);
    assertThat(Quota.of(RateClass.HEAVY, admin, "ip", DEFAULTS).limit()).isEqualTo(10);
    assertThat(Quota.of(RateClass.BATCH, admin, "ip", DEFAULTS).limit()).isEqualTo(5);
    assertThat(Quota.of(RateClass.ANALYSIS, admin, "ip", DEFAULTS).limit()).isEqualTo(5);
    assertThat(Quota.of(RateClass.AUTH, admin, "ip", DEFAULTS).limit()).isEqualTo(30);
  }

  @Test
  void bucketsAreKeyedByClassAndByApiKeyOrUserButAuthAlwaysByIp() {
    Caller user = caller(Role.USER, null);
    UUID keyId = UUID.randomUUID();
    Caller viaKey = new Caller(user.userId(), "u", "default", Role.USER, Set.of(), null, keyId);

    assertThat(Quota.of(RateClass.HEAVY, user, "1.2.3.4", DEFAULTS).key())
        .isEqualTo("heavy:10:user:" + user.userId());
    assertThat(Quota.of(RateClass.HEAVY, viaKey, "1.2.3.4", DEFAULTS).key())
        .isEqualTo("heavy:10:key:" + keyId);
    assertThat(Quota.of(RateClass.STANDARD, user, "1.2.3.4", DEFAULTS).key())
        .isNotEqualTo(Quota.of(RateClass.HEAVY, user, "1.2.3.4", DEFAULTS).key());
    assertThat(Quota.of(RateClass.AUTH, user, "1.2.3.4", DEFAULTS).key())
        .isEqualTo("auth:30:ip:1.2.3.4");
  }

  @Test
  void aRoleChangeStartsAnotherBucket() {
    UUID id = UUID.randomUUID();
    Caller before = new Caller(id, "u", "default", Role.USER, Set.of(), null, null);
    Caller after = new Caller(id, "u", "default", Role.PREMIUM, Set.of(), null, null);
    assertThat(Quota.of(RateClass.STANDARD, before, "ip", DEFAULTS).key())
        .isNotEqualTo(Quota.of(RateClass.STANDARD, after, "ip", DEFAULTS).key());
  }

  @Test
  void limitsAndWindowMustBePositive() {
    assertThatThrownBy(
            () -> new RateLimitProperties(true, Duration.ZERO, 100, 500, 1000, 10, 5, 5, 30))
        .hasMessageContaining("window");
    assertThatThrownBy(
            () -> new RateLimitProperties(true, Duration.ofMinutes(1), 100, 500, 1000, 0, 5, 5, 30))
        .hasMessageContaining("at least 1");
  }

  @Test
  void resetIsTheUnixSecondWhenTheBucketIsFullAgainRoundedUp() {
    long now = 1_707_113_600_000L;
    assertThat(RateLimits.resetEpochSeconds(now, 0)).isEqualTo(1_707_113_600L);
    assertThat(RateLimits.resetEpochSeconds(now, 1)).isEqualTo(1_707_113_601L);
    assertThat(RateLimits.resetEpochSeconds(now, Duration.ofSeconds(12).toNanos()))
        .isEqualTo(1_707_113_612L);
    assertThat(RateLimits.resetEpochSeconds(now + 1, Duration.ofSeconds(12).toNanos()))
        .isEqualTo(1_707_113_613L);
  }

  @Test
  void retryAfterIsWholeSecondsAndAtLeastOne() {
    assertThat(RateLimits.retryAfterSeconds(0)).isEqualTo(1);
    assertThat(RateLimits.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(RateLimits.retryAfterSeconds(Duration.ofMillis(11_001).toNanos())).isEqualTo(12);
    assertThat(RateLimits.retryAfterSeconds(Duration.ofSeconds(12).toNanos())).isEqualTo(12);
  }

  @Test
  void probesMetricsAndDocsAreExemptButNotTheirLookalikes() {
    for (String path :
        new String[] {
          "/health",
          "/api/health",
          "/api/health/",
          "/api/health/live",
          "/api/health/ready",
          "/api/health/status",
          "/api/v2/health",
          "/api/v2/metrics",
          "/actuator/prometheus",
          "/v3/api-docs",
          "/v3/api-docs/swagger-config",
          "/swagger-ui.html",
          "/webjars/swagger-ui/index.html"
        }) {
      assertThat(RateLimits.exempt(path)).as(path).isTrue();
    }
    for (String path :
        new String[] {
          "/", "/healthz", "/api/healthcheck", "/api/v2/capsules", "/v1/health", "/api/build"
        }) {
      assertThat(RateLimits.exempt(path)).as(path).isFalse();
    }
  }

  @Test
  void localBucketsAllowTheLimitThenRefuseWithTheWaitAndKeepCallersApart() {
    LocalBuckets buckets = new LocalBuckets(Duration.ofHours(1));
    Quota a = new Quota(RateClass.STANDARD, "standard:3:ip:a", 3);
    Quota b = new Quota(RateClass.STANDARD, "standard:3:ip:b", 3);
    for (long remaining = 2; remaining >= 0; remaining--) {
      ConsumptionProbe probe = buckets.tryConsume(a);
      assertThat(probe.isConsumed()).isTrue();
      assertThat(probe.getRemainingTokens()).isEqualTo(remaining);
    }
    ConsumptionProbe refused = buckets.tryConsume(a);
    assertThat(refused.isConsumed()).isFalse();
    // One token comes back every hour / 3 = 20 minutes; the bucket is full after a whole hour.
    assertThat(refused.getNanosToWaitForRefill())
        .isBetween(Duration.ofMinutes(19).toNanos(), Duration.ofMinutes(20).toNanos());
    assertThat(refused.getNanosToWaitForReset())
        .isBetween(Duration.ofMinutes(59).toNanos(), Duration.ofMinutes(60).toNanos());
    assertThat(buckets.tryConsume(b).getRemainingTokens()).isEqualTo(2);
  }
}
