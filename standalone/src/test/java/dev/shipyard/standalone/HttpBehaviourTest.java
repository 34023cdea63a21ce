package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Cross-cutting HTTP behaviour through the running API: each family's error shape, the body size
 * limit, request IDs and security headers on every response.
 */
@ExtendWith(LocalPlatformExtension.class)
class HttpBehaviourTest {

  private static final ParameterizedTypeReference<Map<String, Object>> JSON =
      new ParameterizedTypeReference<>() {};

  @Test
  @SuppressWarnings("unchecked")
  void unknownRoutesAnswer404InEachFamilysShape(WebTestClient api) {
    Map<String, Object> capsules = notFound(api, "/capsule/cap-1/nothing");
    assertThat(capsules).containsOnlyKeys("detail", "error_code", "timestamp", "request_id");
    assertThat(capsules).containsEntry("error_code", "NOT_FOUND");

    Map<String, Object> builds = notFound(api, "/api/build/x/y/z");
    assertThat(builds).containsOnlyKeys("error", "detail", "status_code", "timestamp");
    assertThat(builds).containsEntry("error", "not_found").containsEntry("status_code", 404);

    Map<String, Object> v2 = notFound(api, "/api/v2/nothing");
    PlatformHealthTest.assertEnvelope(v2, false);
    assertThat(v2.get("errors").toString()).contains("code=NOT_FOUND");

    Map<String, Object> deployments = notFound(api, "/api/helm-charts/x/y");
    assertThat(deployments).containsEntry("error", "Not Found").containsKey("message");

    Map<String, Object> engine = notFound(api, "/v1/nothing");
    assertThat(engine).containsOnlyKeys("error");
    assertThat((Map<String, Object>) engine.get("error")).containsKeys("message", "details");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/capsules", "/api/v2/capsules", "/v1/auth/register", "/api/build/"})
  void oversizedBodiesAreRefusedWith413BeforeRouting(String path, WebTestClient api) {
    byte[] body = new byte[LocalPlatformExtension.MAX_BODY_BYTES + 1];
    api.post()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isEqualTo(413)
        .expectBody(String.class)
        .value(text -> assertThat(text).contains("exceeds the limit of"));
  }

  @Test
  void oversizedBodyShapesFollowTheFamily(WebTestClient api) {
    byte[] body = new byte[LocalPlatformExtension.MAX_BODY_BYTES + 1];
    Map<String, Object> capsules = Json.post(api, "/generate/robust-capsule", body, 413);
    assertThat(capsules).containsEntry("error_code", "PAYLOAD_TOO_LARGE");
    Map<String, Object> v2 = Json.post(api, "/api/v2/capsules", body, 413);
    assertThat(v2.get("errors").toString()).contains("PAYLOAD_TOO_LARGE");
    Map<String, Object> engine = Json.post(api, "/v1/auth/login", body, 413);
    assertThat(engine.get("error").toString()).contains("exceeds the limit");
  }

  @Test
  void everyResponseCarriesTheRequestIdAndSecurityHeaders(WebTestClient api) {
    for (String uri : new String[] {"/api/health/live", "/nope", "/api/v2/metrics?period=0m"}) {
      api.get()
          .uri(uri)
          .header("X-Request-ID", "client-chosen-42")
          .exchange()
          .expectHeader()
          .valueEquals("X-Request-ID", "client-chosen-42")
          .expectHeader()
          .valueEquals("X-Content-Type-Options", "nosniff")
          .expectHeader()
          .valueEquals("X-Frame-Options", "DENY")
          .expectHeader()
          .valueEquals("X-XSS-Protection", "1; mode=block")
          .expectHeader()
          .valueEquals(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, must-revalidate")
          .expectHeader()
          .valueEquals(HttpHeaders.PRAGMA, "no-cache")
          .expectHeader()
          .valueEquals(HttpHeaders.EXPIRES, "0")
          .expectHeader()
          .exists("Strict-Transport-Security")
          .expectHeader()
          .exists("Content-Security-Policy");
    }
  }

  @Test
  void aMissingOrUnsafeRequestIdIsReplacedByAGeneratedOne(WebTestClient api) {
    String generated =
        api.get()
            .uri("/api/health/live")
            .exchange()
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst("X-Request-ID");
    assertThat(generated).matches("[0-9a-f-]{36}");

    String replaced =
        api.get()
            .uri("/api/health/live")
            .header("X-Request-ID", "bad id <script>")
            .exchange()
            .returnResult(String.class)
            .getResponseHeaders()
            .getFirst("X-Request-ID");
    assertThat(replaced).matches("[0-9a-f-]{36}");
  }

  @Test
  void errorBodiesCarryTheSameRequestIdAsTheHeader(WebTestClient api) {
    Map<String, Object> body =
        api.get()
            .uri("/capsule/does-not-exist/nothing")
            .header("X-Request-ID", "trace-me-7")
            .exchange()
            .expectBody(JSON)
            .returnResult()
            .getResponseBody();
    assertThat(body).containsEntry("request_id", "trace-me-7");
  }

  private static Map<String, Object> notFound(WebTestClient api, String uri) {
    return api.get()
        .uri(uri)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_JSON)
        .expectBody(JSON)
        .returnResult()
        .getResponseBody();
  }
}
