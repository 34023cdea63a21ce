package dev.shipyard.api.ratelimit;

import java.util.Locale;

/**
 * The rate-limit classes of the API documents. Each request is counted in exactly one class, the
 * one its handler declares with {@link RateLimit}; handlers without it (and unknown routes) are
 * {@link #STANDARD}.
 */
public enum RateClass {
  /**
   * Everything else: the caller's role ceiling (standard 100, premium 500, admin 1000 a minute).
   */
  STANDARD,
  /** Generation, delivery and build creation (capsules-api.md, builds-analysis-api.md): 10. */
  HEAVY,
  /** Batch operations (capsules-api.md): 5. */
  BATCH,
  /** Analysis (builds-analysis-api.md): 5. */
  ANALYSIS,
  /** Login, registration and password reset: 30, always per client IP. */
  AUTH;

  /** The lower-case name used in bucket keys and metrics. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
