package dev.shipyard.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.web.RequestIds;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Writes an {@link ApiError} in the documented shape of the request's API family. */
@Component
public class ErrorResponses {

  private final ObjectMapper json;

  public ErrorResponses(ObjectMapper json) {
    this.json = json;
  }

  /**
   * The body for {@code error} in the family of {@code exchange}'s path: an {@link ErrorBodies}.
   */
  public Object body(ServerWebExchange exchange, ApiError error) {
    return ApiFamily.of(exchange.getRequest().getPath().value())
        .body(error, RequestIds.of(exchange), Instant.now());
  }

  /**
   * The JSON bytes for {@code error} in the family of {@code path}, for responses written outside
   * an exchange (malformed requests refused by the HTTP server itself).
   */
  public byte[] render(String path, ApiError error, String requestId) {
    try {
      return json.writeValueAsBytes(ApiFamily.of(path).body(error, requestId, Instant.now()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public Mono<Void> write(ServerWebExchange exchange, ApiError error) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(error.status());
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body(exchange, error));
    } catch (JsonProcessingException e) {
      return Mono.error(e);
    }
    return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
  }
}
