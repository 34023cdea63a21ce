package dev.shipyard.api.web;

import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Takes the {@code ?token=} of a WebSocket request ({@link Sockets#isSocketPath}) out of its URI
 * before anything sees the request (Spring's request logging at DEBUG and the WebSocket session's
 * log print the URI with its query) and passes it on as {@code Authorization: Bearer} unless the
 * request has that header already. The security chain then authenticates it like any bearer
 * credential. Outermost: it decorates the whole HTTP handler.
 */
@Component
class WebSocketTokens implements HttpHandlerDecoratorFactory {

  @Override
  public HttpHandler apply(HttpHandler handler) {
    return (request, response) -> handler.handle(relocate(request), response);
  }

  static ServerHttpRequest relocate(ServerHttpRequest request) {
    String query = request.getURI().getRawQuery();
    if (query == null
        || !Sockets.isSocketPath(request.getPath().value())
        || !request.getQueryParams().containsKey("token")) {
      return request;
    }
    String token = request.getQueryParams().getFirst("token");
    URI cleaned =
        UriComponentsBuilder.fromUri(request.getURI())
            .replaceQueryParam("token")
            .build(true)
            .toUri();
    return request
        .mutate()
        .uri(cleaned)
        .headers(
            headers -> {
              if (token != null
                  && !token.isBlank()
                  && !headers.containsKey(HttpHeaders.AUTHORIZATION)) {
                headers.setBearerAuth(token);
              }
            })
        .build();
  }
}
