package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Health endpoints of every API family, answered from real checks of the running platform. */
@ExtendWith(LocalPlatformExtension.class)
class PlatformHealthTest {

  @Test
  void statusReportsEveryComponentHealthyFromRealChecks(WebTestClient api) {
    Map<String, Object> body = Json.get(api, "/api/health/status", 200);

    assertThat(body).containsEntry("status", "operational").containsKeys("timestamp", "version");
    assertThat(body.get("components"))
        .isEqualTo(
            Map.of(
                "api", "healthy",
                "database", "healthy",
                "temporal", "healthy",
                "storage", "healthy",
                "cache", "disabled",
                "cluster", "simulated"));
    @SuppressWarnings("unchecked")
    Map<String, Object> metrics = (Map<String, Object>) body.get("metrics");
    assertThat(metrics)
        .containsOnlyKeys(
            "uptime_seconds",
            "requests_total",
            "requests_per_second",
            "memory_percent",
            "cpu_percent");
    assertThat(((Number) metrics.get("memory_percent")).doubleValue()).isBetween(0.1, 100.0);
    assertThat(((Number) metrics.get("cpu_percent")).doubleValue()).isBetween(0.0, 100.0);

    long before = ((Number) metrics.get("requests_total")).longValue();
    api.get().uri("/api/health/live").exchange().expectStatus().isOk();
    @SuppressWarnings("unchecked")
    Map<String, Object> after =
        (Map<String, Object>) Json.get(api, "/api/health/status", 200).get("metrics");
    assertThat(((Number) after.get("requests_total")).longValue()).isGreaterThan(before);
  }

  @Test
  void readinessLivenessAndBasicHealthAnswer(WebTestClient api) {
    Map<String, Object> ready = Json.get(api, "/api/health/ready", 200);
    assertThat(ready).containsEntry("status", "ready");
    assertThat(Json.get(api, "/api/health/live", 200)).containsEntry("status", "alive");
    assertThat(Json.get(api, "/api/health/", 200))
        .containsEntry("status", "healthy")
        .containsKeys("timestamp", "version");
    assertThat(Json.get(api, "/health", 200))
        .containsEntry("status", "healthy")
        .containsEntry("service", "shipyard")
        .containsKey("version");
  }

  @Test
  void v2HealthIsAnEnvelopeAndDetailedHealthChecksComponents(WebTestClient api) {
    Map<String, Object> plain = Json.get(api, "/api/v2/health", 200);
    assertEnvelope(plain, true);

    Map<String, Object> detailed = Json.get(api, "/api/v2/health?detailed=true", 200);
    assertEnvelope(detailed, true);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> components =
        (Map<String, Map<String, Object>>)
            ((Map<String, Object>) detailed.get("data")).get("components");
    assertThat(components.get("database")).containsEntry("status", "healthy");
    assertThat(components.get("temporal")).containsEntry("status", "healthy");
    assertThat(components.get("storage")).containsEntry("status", "healthy");
  }

  @Test
  void v2MetricsCountRequestsOverThePeriod(WebTestClient api) {
    for (int i = 0; i < 3; i++) {
      api.get().uri("/api/v2/nothing-here").exchange().expectStatus().isNotFound();
    }
    Map<String, Object> body = Json.get(api, "/api/v2/metrics?period=24h", 200);
    assertEnvelope(body, true);
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) body.get("data");
    assertThat(data).containsEntry("period", "24h").containsKeys("from", "to", "response_time_ms");
    @SuppressWarnings("unchecked")
    Map<String, Object> requests = (Map<String, Object>) data.get("requests");
    assertThat(((Number) requests.get("total")).longValue()).isGreaterThanOrEqualTo(3);
    assertThat(((Number) requests.get("client_errors")).longValue()).isGreaterThanOrEqualTo(3);

    Map<String, Object> bad = Json.get(api, "/api/v2/metrics?period=forever", 400);
    assertEnvelope(bad, false);
    assertThat(bad.get("errors").toString()).contains("VALIDATION_ERROR").contains("period");
  }

  static void assertEnvelope(Map<String, Object> body, boolean success) {
    assertThat(body)
        .containsEntry("success", success)
        .containsEntry("version", "2.0.0")
        .containsKeys("timestamp", "request_id", "data", "errors", "warnings", "links", "meta");
  }
}
