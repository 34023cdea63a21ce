package dev.shipyard.api.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.config.ShipyardProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Malformed JSON, a wrong content type and a body that fails validation, through the real filters
 * and error handler, in the documented shape of each API family. A test controller takes bodies
 * under each family's path prefix (the features' own endpoints come with their issues).
 */
// The error pipeline alone: Spring Security's default chain (CSRF, basic auth) is left out; the
// platform's own security is tested end to end in the standalone module.
@WebFluxTest(
    controllers = ErrorShapesWebTest.EchoController.class,
    excludeAutoConfiguration = {
      org.springframework.boot.autoconfigure.security.reactive.ReactiveSecurityAutoConfiguration
          .class,
      org.springframework.boot.autoconfigure.security.reactive
          .ReactiveUserDetailsServiceAutoConfiguration.class
    })
@Import({
  ErrorResponses.class,
  dev.shipyard.api.health.RequestStatistics.class,
  dev.shipyard.api.web.ValidationWarmup.class,
  ErrorShapesWebTest.EchoController.class
})
@EnableConfigurationProperties(ShipyardProperties.class)
@TestPropertySource(properties = "shipyard.http.max-request-body=1KB")
class ErrorShapesWebTest {

  private static final ParameterizedTypeReference<Map<String, Object>> JSON =
      new ParameterizedTypeReference<>() {};

  @Autowired WebTestClient web;

  record Echo(@NotBlank String name, @Size(max = 5) List<String> tags) {}

  @RestController
  static class EchoController {
    @PostMapping({
      "/capsules/echo",
      "/api/v2/echo",
      "/v1/echo",
      "/api/build/echo",
      "/api/helm-charts/echo"
    })
    Echo echo(@Valid @RequestBody Echo echo) {
      return echo;
    }
  }

  @Test
  void malformedJsonIs400InEveryFamilysShape() {
    assertThat(post("/capsules/echo", "{\"name\": ", 400))
        .containsEntry("error_code", "MALFORMED_JSON")
        .containsKeys("detail", "timestamp", "request_id");
    assertThat(post("/api/v2/echo", "{\"name\": ", 400))
        .containsEntry("success", false)
        .extractingByKey("errors")
        .asString()
        .contains("MALFORMED_JSON");
    assertThat(post("/v1/echo", "{\"name\": ", 400))
        .extractingByKey("error")
        .asString()
        .contains("not valid JSON");
    assertThat(post("/api/build/echo", "[1,2", 400))
        .containsEntry("error", "malformed_json")
        .containsEntry("status_code", 400);
    assertThat(post("/api/helm-charts/echo", "{oops}", 400))
        .containsEntry("error", "Bad Request")
        .containsKey("message");
  }

  @Test
  void wrongContentTypeIs415() {
    Map<String, Object> body =
        web.post()
            .uri("/capsules/echo")
            .contentType(MediaType.TEXT_PLAIN)
            .bodyValue("name=x")
            .exchange()
            .expectStatus()
            .isEqualTo(415)
            .expectBody(JSON)
            .returnResult()
            .getResponseBody();
    assertThat(body).containsEntry("error_code", "UNSUPPORTED_MEDIA_TYPE");
  }

  @Test
  void validationFailuresNameTheFieldWithTheFamilysStatus() {
    assertThat(post("/capsules/echo", "{\"name\": \"\"}", 422))
        .containsEntry("error_code", "VALIDATION_ERROR")
        .extractingByKey("detail")
        .asString()
        .startsWith("name:");
    assertThat(
            post(
                "/api/v2/echo",
                "{\"name\": \"x\", \"tags\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}",
                422))
        .extractingByKey("errors")
        .asString()
        .contains("field=tags")
        .contains("VALIDATION_ERROR");
    assertThat(post("/v1/echo", "{}", 400)).extractingByKey("error").asString().contains("name");
    assertThat(post("/api/build/echo", "{}", 400)).containsEntry("error", "validation_error");
    assertThat(post("/api/helm-charts/echo", "{}", 422))
        .containsEntry("error", "Unprocessable Entity")
        .extractingByKey("details")
        .asString()
        .contains("field=name");
  }

  @Test
  void aValidBodyPassesThrough() {
    web.post()
        .uri("/v1/echo")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\": \"ok\", \"tags\": [\"a\"]}")
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .exists("X-Request-ID");
  }

  @Test
  void aDeclaredLengthOverTheLimitIs413() {
    assertThat(post("/capsules/echo", "{\"name\": \"" + "x".repeat(2000) + "\"}", 413))
        .containsEntry("error_code", "PAYLOAD_TOO_LARGE");
  }

  private Map<String, Object> post(String uri, String body, int status) {
    return web.post()
        .uri(uri)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isEqualTo(status)
        .expectBody(JSON)
        .returnResult()
        .getResponseBody();
  }
}
