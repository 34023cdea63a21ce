package dev.shipyard.api.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Reads {@code Authorization: Bearer <token-or-key>} (or, on WebSocket paths, {@code ?token=} as
 * builds-analysis-api.md documents, or {@code Sec-WebSocket-Protocol: bearer, <token>} so browsers
 * need not put it in URLs) and puts the verified {@link Caller} in the security context. A refused
 * credential does not answer here: the request goes on anonymous, with the reason kept on the
 * exchange, so rate limits still count it and a guarded endpoint answers 401 with that reason. Not
 * a bean: it runs inside the security filter chain only ({@code SecurityConfig}).
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
    if (dev.shipyard.api.web.Sockets.isSocketPath(exchange.getRequest().getPath().value())) {
      String token = exchange.getRequest().getQueryParams().getFirst("token");
      return token != null && !token.isBlank()
          ? token
          : subprotocolToken(exchange.getRequest().getHeaders().get(SUBPROTOCOL));
    }
    return null;
  }

  static final String SUBPROTOCOL = "Sec-WebSocket-Protocol";

  /**
   * The token offered as the subprotocol after {@code bearer} ({@code bearer, <token>}), or null.
   */
  static String subprotocolToken(java.util.List<String> headerValues) {
    if (headerValues == null) {
      return null;
    }
    java.util.List<String> offered = new java.util.ArrayList<>();
    for (String value : headerValues) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          offered.add(part.trim());
        }
      }
    }
    int bearer = offered.indexOf("bearer");
    return bearer >= 0 && bearer + 1 < offered.size() ? offered.get(bearer + 1) : null;
  }
}
