package dev.shipyard.api.ratelimit;

import dev.shipyard.api.security.Caller;

/**
 * The bucket one request is counted in: its class, its caller and the limit that applies.
 *
 * @param rateClass the handler's class
 * @param key the bucket key: class, limit and caller ({@code standard:500:user:<id>}, {@code
 *     auth:30:ip:10.0.0.7}). The limit is part of the key, so a role change or a new configured
 *     limit starts a fresh bucket instead of inheriting one of another size.
 * @param limit requests allowed per window
 */
record Quota(RateClass rateClass, String key, int limit) {

  /**
   * The quota of a request of {@code rateClass} by {@code caller} (null when anonymous) from {@code
   * clientIp}. Anonymous requests, and every request of the {@link RateClass#AUTH} class, are
   * counted per client IP; the others per API key or user.
   */
  static Quota of(
      RateClass rateClass, Caller caller, String clientIp, RateLimitProperties properties) {
    boolean perIp = caller == null || rateClass == RateClass.AUTH;
    String identity = perIp ? "ip:" + clientIp : caller.rateLimitKey();
    int limit = properties.limit(rateClass, perIp ? null : caller.role());
    return new Quota(rateClass, rateClass.value() + ":" + limit + ":" + identity, limit);
  }
}
