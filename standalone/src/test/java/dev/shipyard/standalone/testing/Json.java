package dev.shipyard.standalone.testing;

import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** JSON exchanges with the API that expect a given status, for the end-to-end tests. */
public final class Json {

  private static final ParameterizedTypeReference<Map<String, Object>> MAP =
      new ParameterizedTypeReference<>() {};

  private Json() {}

  public static Map<String, Object> get(WebTestClient api, String uri, int status) {
    return call(api, HttpMethod.GET, uri, null, null, status);
  }

  /**
   * Any exchange, with {@code bearer} (a token or API key, or null for none) and an optional JSON
   * body.
   */
  public static Map<String, Object> call(
      WebTestClient api, HttpMethod method, String uri, String bearer, Object body, int status) {
    WebTestClient.RequestBodySpec spec = api.method(method).uri(uri);
    if (bearer != null) {
      spec = spec.headers(h -> h.setBearerAuth(bearer));
    }
    WebTestClient.RequestHeadersSpec<?> ready =
        body == null ? spec : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    return ready
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(MAP)
        .returnResult()
        .getResponseBody();
  }

  public static Map<String, Object> post(WebTestClient api, String uri, Object body, int status) {
    return call(api, HttpMethod.POST, uri, null, body, status);
  }
}
