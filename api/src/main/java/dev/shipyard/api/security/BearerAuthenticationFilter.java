package dev.shipyard.api.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Reads {@code Authorization: Bearer <token-or-key>} (or {@code ?token=} on WebSocket paths, as
 * builds-analysis-api.md documents) and puts the verified {@link Caller} in the security context. A
 * refused credential does not answer here: the request goes on anonymous, with the reason kept on
 * the exchange, so rate limits still count it and a guarded endpoint answers 401 with that reason.
 * Not a bean: it runs inside the security filter chain only ({@code SecurityConfig}).
 */
public class BearerAuthenticationFilter implements WebFilter {

  /** The exchange attribute holding why a presented credential was refused. */
  public static final String FAILURE = BearerAuthenticationFilter.class.getName() + ".failure";

  private final CallerAuthenticator authenticator;

  public BearerAuthenticationFilter(CallerAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String credential = credential(exchange);
    if (credential == null) {
      return chain.filter(exchange);
    }
    return authenticator
        .authenticate(credential)
        .map(CallerAuthentication::new)
        .map(auth -> (Object) auth)
        .onErrorResume(
            AuthenticationFailure.class,
            failure -> {
              exchange.getAttributes().put(FAILURE, failure.getMessage());
              return Mono.just(Boolean.FALSE);
            })
        .flatMap(
            result ->
                result instanceof CallerAuthentication auth
                    ? chain
                        .filter(exchange)
                        .contextWrite(ReactiveSecurityContextHolder.withAuthentication(auth))
                    : chain.filter(exchange));
  }

  static String credential(ServerWebExchange exchange) {
    String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      if (header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() > 7) {
        return header.substring(7).trim();
      }
      return null;
    }
    if (exchange.getRequest().getPath().value().startsWith("/api/ws/")) {
      return exchange.getRequest().getQueryParams().getFirst("token");
    }
    return null;
  }
}
