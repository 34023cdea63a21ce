package dev.shipyard.api.openapi;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves the OpenAPI document off the event loop. springdoc builds it under a lock (at startup, in
 * the background, for some seconds): a request for it meanwhile would park a Netty thread on that
 * lock (and answer 500 under BlockHound). On a bounded-elastic thread it just waits for the
 * document.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenApiOffEventLoop implements WebFilter {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!exchange.getRequest().getPath().value().startsWith("/v3/api-docs")) {
      return chain.filter(exchange);
    }
    return chain.filter(exchange).subscribeOn(Schedulers.boundedElastic());
  }
}
