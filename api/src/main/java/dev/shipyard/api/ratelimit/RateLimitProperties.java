package dev.shipyard.api.ratelimit;

import dev.shipyard.api.security.Role;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits (README: Rate limits): requests per {@link #window()} and caller, by class. The
 * standard class has one ceiling per role; anonymous callers get the standard one, per client IP.
 *
 * @param enabled whether requests are limited at all ({@code RATE_LIMIT_ENABLED})
 * @param window the period every limit is counted over ({@code RATE_LIMIT_WINDOW}, 1 minute)
 * @param standard the standard ceiling of viewers, users and anonymous callers
 * @param premium the standard ceiling of premium users
 * @param admin the standard ceiling of admins
 * @param heavy generation, delivery and build creation
 * @param batch batch operations
 * @param analysis analysis
 * @param auth login, registration and password reset, per client IP
 */
@ConfigurationProperties("shipyard.rate-limit")
public record RateLimitProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1m") Duration window,
    @DefaultValue("100") int standard,
    @DefaultValue("500") int premium,
    @DefaultValue("1000") int admin,
    @DefaultValue("10") int heavy,
    @DefaultValue("5") int batch,
    @DefaultValue("5") int analysis,
    @DefaultValue("30") int auth) {

  public RateLimitProperties {
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalStateException("shipyard.rate-limit.window must be positive: " + window);
    }
    int[] limits = {standard, premium, admin, heavy, batch, analysis, auth};
    for (int limit : limits) {
      if (limit < 1) {
        throw new IllegalStateException(
            "Every rate limit must be at least 1 request per window; got " + limit);
      }
    }
  }

  /** The limit of {@code rateClass} for a caller with {@code role} (null: anonymous). */
  public int limit(RateClass rateClass, Role role) {
    return switch (rateClass) {
      case STANDARD -> role == null ? standard : ceiling(role);
      case HEAVY -> heavy;
      case BATCH -> batch;
      case ANALYSIS -> analysis;
      case AUTH -> auth;
    };
  }

  /** The standard-class ceiling of a role (deployment-contracts.md: Rate Limiting). */
  public int ceiling(Role role) {
    return switch (role) {
      case VIEWER, USER -> standard;
      case PREMIUM -> premium;
      case ADMIN -> admin;
    };
  }
}
