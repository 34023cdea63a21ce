package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shipyard.standalone.testing.LocalPlatformExtension;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The OpenAPI document, Swagger UI and Prometheus metrics of the running platform. */
@ExtendWith(LocalPlatformExtension.class)
class ObservabilityTest {

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
  void prometheusShowsHttpServerAndTemporalWorkerMetrics(WebTestClient api) {
    api.get().uri("/api/health/live").exchange().expectStatus().isOk();
    // Temporal's SDK reports its metrics to Micrometer in batches; wait for the worker's pollers.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              String metrics = scrape(api);
              assertThat(metrics).contains("http_server_requests_seconds_count{");
              assertThat(metrics).contains("uri=\"/api/health/live\"");
              assertThat(metrics)
                  .containsPattern("temporal_[a-z_]+\\{[^}]*worker_type=\"ActivityWorker\"");
              assertThat(metrics)
                  .containsPattern("temporal_[a-z_]+\\{[^}]*task_queue=\"shipyard-platform\"");
            });
  }

  private static String scrape(WebTestClient api) {
    return api.get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(String.class)
        .returnResult()
        .getResponseBody();
  }
}
