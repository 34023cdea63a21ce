package dev.shipyard.api.web;

import java.util.function.BiConsumer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The security headers of deployment-contracts.md ("Standard Headers") plus the CSP and HSTS of
 * api-v2-guide.md, on every response. Swagger UI gets a CSP that lets its own scripts run.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class SecurityHeadersFilter implements WebFilter {

  static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
  static final String DOCS_CSP =
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; frame-ancestors 'none'";

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HttpHeaders headers = exchange.getResponse().getHeaders();
    apply(exchange.getRequest().getPath().value(), headers::set);
    return chain.filter(exchange);
  }

  /** Sets the security headers of a response to {@code path} through {@code set}. */
  static void apply(String path, BiConsumer<String, String> set) {
    set.accept(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
    set.accept(HttpHeaders.PRAGMA, "no-cache");
    set.accept(HttpHeaders.EXPIRES, "0");
    set.accept("X-Content-Type-Options", "nosniff");
    set.accept("X-Frame-Options", "DENY");
    set.accept("X-XSS-Protection", "1; mode=block");
    set.accept("Referrer-Policy", "no-referrer");
    set.accept("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    boolean docs = path.startsWith("/swagger-ui") || path.startsWith("/webjars/");
    set.accept("Content-Security-Policy", docs ? DOCS_CSP : API_CSP);
  }
}
