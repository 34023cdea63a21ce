package dev.shipyard.api.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an ID, echoes it in {@code X-Request-ID} on every response (errors included)
 * and puts it in the Reactor context under {@code request_id}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String id = RequestIds.assign(exchange);
    exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
    return chain.filter(exchange).contextWrite(ctx -> ctx.put("request_id", id));
  }
}
