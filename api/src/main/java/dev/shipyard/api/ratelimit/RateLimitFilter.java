package dev.shipyard.api.ratelimit;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Applies {@link RateLimits} inside the security filter chain, right after authentication, so the
 * caller (user, API key, or client IP when anonymous) is known. Not a bean: {@code SecurityConfig}
 * places it.
 */
public class RateLimitFilter implements WebFilter {

  private final RateLimits limits;

  public RateLimitFilter(RateLimits limits) {
    this.limits = limits;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return limits.apply(exchange, chain);
  }
}
