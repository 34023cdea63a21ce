package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Readiness follows the real database: with the embedded PostgreSQL stopped, every readiness
 * endpoint answers 503 and names the database; once it is back, they recover. A platform of its
 * own, so breaking its database does not disturb other tests.
 */
class ReadinessTest {

  private static Path dataDir;
  private static LocalPlatform platform;
  private static WebTestClient api;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("shipyard-readiness-");
    platform = LocalPlatformExtension.startIsolated(dataDir);
    api = LocalPlatformExtension.client(platform);
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
    LocalPlatformExtension.deleteRecursively(dataDir);
  }

  @Test
  @SuppressWarnings("unchecked")
  void readinessFailsNamingTheDatabaseWhilePostgresIsDownAndRecovers() throws Exception {
    // A platform just started: its first storage check (a cold S3 client and s3proxy JVM) may
    // miss the 2 s budget on a loaded machine, so wait for readiness instead of assuming it.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> api.get().uri("/api/health/ready").exchange().expectStatus().isOk());
    assertThat(Json.get(api, "/api/health/ready", 200)).containsEntry("status", "ready");

    platform.stopPostgres();
    try {
      Map<String, Object> ready = Json.get(api, "/api/health/ready", 503);
      assertThat(ready)
          .containsEntry("error", "service_unavailable")
          .containsEntry("status_code", 503)
          .containsEntry("unavailable", List.of("database"));
      assertThat((String) ready.get("detail")).startsWith("Not ready: database unavailable");
      assertThat((Map<String, Object>) ready.get("components"))
          .containsEntry("database", "unhealthy")
          .containsEntry("temporal", "healthy")
          .containsEntry("storage", "healthy");

      Map<String, Object> v2 = Json.get(api, "/api/v2/health?detailed=true", 503);
      PlatformHealthTest.assertEnvelope(v2, false);
      assertThat(v2.get("errors").toString()).contains("field=database");

      assertThat(Json.get(api, "/health", 503)).containsEntry("status", "unhealthy");
      assertThat(Json.get(api, "/api/health/status", 200)).containsEntry("status", "degraded");
      // Liveness does not depend on the database: the process is fine.
      api.get().uri("/api/health/live").exchange().expectStatus().isOk();
    } finally {
      platform.startPostgres();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> api.get().uri("/api/health/ready").exchange().expectStatus().isOk());
  }
}
