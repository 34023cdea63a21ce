package dev.shipyard.api.health;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Feeds {@link RequestStatistics} when each response is committed (errors included). */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 4)
class RequestStatisticsFilter implements WebFilter {

  private final RequestStatistics statistics;

  RequestStatisticsFilter(RequestStatistics statistics) {
    this.statistics = statistics;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long start = System.nanoTime();
    exchange
        .getResponse()
        .beforeCommit(
            () -> {
              HttpStatusCode status = exchange.getResponse().getStatusCode();
              statistics.record(
                  System.currentTimeMillis(),
                  status == null ? 200 : status.value(),
                  (System.nanoTime() - start) / 1_000_000);
              return Mono.empty();
            });
    return chain.filter(exchange);
  }
}
