package dev.shipyard.api.ratelimit;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** PLACEHOLDER until the rate-limit work lands: lets every request through. */
@Component
public class RateLimits {

  public Mono<Void> apply(ServerWebExchange exchange, WebFilterChain chain) {
    return chain.filter(exchange);
  }
}
