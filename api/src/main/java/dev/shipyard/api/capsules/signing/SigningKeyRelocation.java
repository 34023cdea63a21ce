package dev.shipyard.api.capsules.signing;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * capsules-api.md §11 passes the HMAC key in the query string ({@code POST
 * /capsule/{id}/sign?private_key=...}), where every request log prints it (Spring's request logging
 * at DEBUG prints the URI with its query). Before anything sees the request, this takes {@code
 * private_key} out of the URI of every request and, on the sign and verify paths, passes it on as
 * an {@value #HEADER} value (added beside any the caller sent, so the handler sees a conflict
 * instead of silently choosing). Reactor Netty's access log reads the raw request line before this
 * runs; {@code TokenMaskingAccessLog} masks the parameter there. Outermost, like {@code
 * WebSocketTokens}.
 */
@Component
class SigningKeyRelocation implements HttpHandlerDecoratorFactory {

  static final String PARAMETER = "private_key";
  static final String HEADER = "X-Signing-Key";

  private static final Pattern SIGNING_PATH = Pattern.compile("/capsule/[^/]+/(sign|verify)");

  @Override
  public HttpHandler apply(HttpHandler handler) {
    return (request, response) -> handler.handle(relocate(request), response);
  }

  static ServerHttpRequest relocate(ServerHttpRequest request) {
    String query = request.getURI().getRawQuery();
    if (query == null || !request.getQueryParams().containsKey(PARAMETER)) {
      return request;
    }
    List<String> values = request.getQueryParams().get(PARAMETER);
    URI cleaned =
        UriComponentsBuilder.fromUri(request.getURI())
            .replaceQueryParam(PARAMETER)
            .build(true)
            .toUri();
    boolean signing = SIGNING_PATH.matcher(request.getPath().value()).matches();
    return request
        .mutate()
        .uri(cleaned)
        .headers(
            headers -> {
              if (signing) {
                // the query parameters are decoded already
                values.forEach(v -> headers.add(HEADER, v == null ? "" : v));
              }
            })
        .build();
  }
}
