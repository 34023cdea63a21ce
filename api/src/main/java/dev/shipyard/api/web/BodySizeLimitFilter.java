package dev.shipyard.api.web;

import dev.shipyard.api.config.ShipyardProperties;
import dev.shipyard.api.error.ApiException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body whose declared length exceeds {@code MAX_REQUEST_BODY} with 413 before anything
 * reads it. Bodies without a length are capped by the codecs' {@code max-in-memory-size}, which is
 * set to the same limit and also answers 413.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class BodySizeLimitFilter implements WebFilter {

  private final long maxBytes;

  BodySizeLimitFilter(ShipyardProperties properties) {
    this.maxBytes = properties.http().maxRequestBody().toBytes();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long length = exchange.getRequest().getHeaders().getContentLength();
    if (length > maxBytes) {
      return Mono.error(
          new ApiException(
              HttpStatus.PAYLOAD_TOO_LARGE,
              "PAYLOAD_TOO_LARGE",
              "Request body of " + length + " bytes exceeds the limit of " + maxBytes + " bytes"));
    }
    return chain.filter(exchange);
  }
}
