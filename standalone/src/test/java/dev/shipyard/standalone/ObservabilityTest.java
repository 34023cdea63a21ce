package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shipyard.standalone.testing.LocalPlatformExtension;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The OpenAPI document, Swagger UI and Prometheus metrics of the running platform; management
 * endpoints only on the management port.
 */
@ExtendWith(LocalPlatformExtension.class)
class ObservabilityTest {

  private static final ParameterizedTypeReference<Map<String, Object>> JSON =
      new ParameterizedTypeReference<>() {};

  @Test
  void openApiDocumentIsValidAndListsTheHealthRoutes(WebTestClient api) {
    String document =
        api.get()
            .uri("/v3/api-docs")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();

    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document);
    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.");
    assertThat(parsed.getOpenAPI().getPaths())
        .containsKeys(
            "/health",
            "/api/health/ready",
            "/api/health/status",
            "/api/v2/health",
            "/api/v2/metrics");

    api.get().uri("/swagger-ui/index.html").exchange().expectStatus().isOk();
  }

  @Test
  @SuppressWarnings("unchecked")
  void managementEndpointsAreNotOnThePublicPort(WebTestClient api, LocalPlatform platform) {
    for (String path :
        List.of("/actuator/prometheus", "/actuator/health", "/actuator/info", "/actuator")) {
      Map<String, Object> body =
          api.get()
              .uri(path)
              .exchange()
              .expectStatus()
              .isNotFound()
              .expectHeader()
              .exists("X-Request-ID")
              .expectBody(JSON)
              .returnResult()
              .getResponseBody();
      // The container-engine shape, like any unknown route.
      assertThat(body).as(path).containsOnlyKeys("error");
      assertThat((Map<String, Object>) body.get("error")).containsKeys("message", "details");
    }
    // The documented health endpoints stay on the public port.
    api.get().uri("/api/health/live").exchange().expectStatus().isOk();
    api.get().uri("/health").exchange().expectStatus().isOk();

    WebTestClient management = management(platform);
    management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    assertThat(scrape(management)).contains("# TYPE");
  }

  @Test
  void prometheusShowsHttpServerTemporalWorkerAndBreakerMetrics(
      WebTestClient api, LocalPlatform platform) {
    api.get().uri("/api/health/live").exchange().expectStatus().isOk();
    WebTestClient management = management(platform);
    // Temporal's SDK reports its metrics to Micrometer in batches; wait for the worker's pollers.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              String metrics = scrape(management);
              assertThat(metrics).contains("http_server_requests_seconds_count{");
              assertThat(metrics).contains("uri=\"/api/health/live\"");
              assertThat(metrics)
                  .containsPattern("temporal_[a-z_]+\\{[^}]*worker_type=\"ActivityWorker\"");
              assertThat(metrics)
                  .containsPattern("temporal_[a-z_]+\\{[^}]*task_queue=\"shipyard-platform\"");
              // The API's calls to Temporal pass its breaker (config/TemporalBreaker): closed,
              // with the calls counted (the readiness check alone makes some).
              assertThat(metrics)
                  .containsPattern(
                      "resilience4j_circuitbreaker_state\\{[^}]*name=\"temporal\",[^}]*"
                          + "state=\"closed\"[^}]*\\} 1\\.0");
              assertThat(metrics)
                  .containsPattern(
                      "resilience4j_circuitbreaker_calls_seconds_count\\{[^}]*kind=\"successful\","
                          + "[^}]*name=\"temporal\"[^}]*\\} [1-9]");
            });
  }

  /**
   * A client of the API's management port (MANAGEMENT_PORT), as the platform recorded it at start:
   * the {@code local.management.port} property is shared by every context of the JVM, so another
   * API instance started by a test would overwrite it.
   */
  private static WebTestClient management(LocalPlatform platform) {
    String url = platform.endpoints().managementUrl();
    assertThat(url).as("the API runs a management server of its own").doesNotEndWith(":null");
    return LocalPlatformExtension.client(url);
  }

  private static String scrape(WebTestClient api) {
    // The scrape grows with every task queue, activity type and route the suite has used.
    return api.mutate()
        .codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
        .build()
        .get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .returnResult()
        .getResponseBody();
  }
}
