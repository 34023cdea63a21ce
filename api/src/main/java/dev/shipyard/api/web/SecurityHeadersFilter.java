package dev.shipyard.api.web;

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
    headers.set(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
    headers.set(HttpHeaders.PRAGMA, "no-cache");
    headers.set(HttpHeaders.EXPIRES, "0");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("X-XSS-Protection", "1; mode=block");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    String path = exchange.getRequest().getPath().value();
    boolean docs = path.startsWith("/swagger-ui") || path.startsWith("/webjars/");
    headers.set("Content-Security-Policy", docs ? DOCS_CSP : API_CSP);
    return chain.filter(exchange);
  }
}
