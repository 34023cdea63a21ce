package dev.shipyard.api.web;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ErrorResponses;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Requests Spring Security's firewall refuses before routing (encoded slashes or dots, {@code ..}
 * segments, {@code ;}, backslashes, control characters, unknown methods): 400 in the family's
 * shape, with the request ID and security headers the earlier filters set, instead of an empty 400.
 * Spring Security picks this bean up as the {@code WebFilterChainProxy}'s rejected handler.
 */
@Component
class RejectedRequests implements ServerExchangeRejectedHandler {

  private final ErrorResponses responses;

  RejectedRequests(ErrorResponses responses) {
    this.responses = responses;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException ex) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.empty();
    }
    return responses.write(
        exchange,
        ApiError.of(
            HttpStatus.BAD_REQUEST,
            "REQUEST_REJECTED",
            "The request was rejected: its URL, method or headers contain something not allowed"
                + " (encoded '/', '.' or '%', '..' segments, ';', '\\\\' or control characters)"));
  }
}
