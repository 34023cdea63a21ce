package dev.shipyard.api.health;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ErrorBodies;
import dev.shipyard.api.security.PublicEndpoint;
import dev.shipyard.cluster.ClusterSettings;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Health in the container-engine shape ({@code /health}) and the builds-analysis shapes ({@code
 * /api/health/...}). Liveness answers from the process alone; readiness and status check the real
 * components.
 */
@RestController
@PublicEndpoint
class HealthController {

  private final ComponentChecks checks;
  private final RequestStatistics statistics;
  private final SystemMetrics system;
  private final String version;
  private final String cluster;

  HealthController(
      ComponentChecks checks,
      RequestStatistics statistics,
      SystemMetrics system,
      ObjectProvider<BuildProperties> build,
      Environment environment) {
    this.checks = checks;
    this.statistics = statistics;
    this.system = system;
    this.cluster = clusterMode(environment);
    BuildProperties info = build.getIfAvailable();
    this.version = info == null ? "dev" : info.getVersion();
  }

  /**
   * How deployments reach Kubernetes ({@code shipyard.cluster.*}): {@code simulated}, {@code
   * kubeconfig}, {@code in-cluster} or {@code none}; shown as the {@code cluster} entry of the
   * status, so nobody mistakes the local platform's simulated cluster for a real one.
   */
  static String clusterMode(Environment environment) {
    return new ClusterSettings(
            environment.getProperty("shipyard.cluster.kubeconfig-path"),
            Boolean.parseBoolean(environment.getProperty("shipyard.cluster.in-cluster", "false")),
            environment.getProperty("shipyard.cluster.simulated-url"),
            null,
            null,
            null,
            null)
        .mode()
        .label();
  }

  /** container-engine-api.md {@code GET /health}. */
  @Schema(name = "EngineHealth")
  record EngineHealth(
      @Schema(allowableValues = {"healthy", "unhealthy"}) String status,
      String service,
      String version) {}

  /** builds-analysis-api.md {@code GET /api/health/}. */
  @Schema(name = "BasicHealth")
  record BasicHealth(String status, String timestamp, String version) {}

  /** {@code GET /api/health/live}. */
  @Schema(name = "Liveness")
  record Liveness(String status, String timestamp) {}

  /** {@code GET /api/health/ready} when ready. */
  @Schema(name = "Ready")
  record Ready(String status, String timestamp, Map<String, String> components) {}

  /** {@code GET /api/health/ready} when not ready: the builds error shape, naming the failures. */
  @Schema(name = "NotReady")
  record NotReady(
      String error,
      String detail,
      @JsonProperty("status_code") int statusCode,
      String timestamp,
      @Schema(description = "the failing required components, such as database")
          List<String> unavailable,
      Map<String, String> components) {}

  /** {@code GET /api/health/status}. */
  @Schema(name = "PlatformStatus")
  record PlatformStatus(
      @Schema(allowableValues = {"operational", "degraded"}) String status,
      String timestamp,
      String version,
      @Schema(
              description =
                  "api, database, temporal, storage and cache: healthy, unhealthy or disabled;"
                      + " cluster: how deployments reach Kubernetes (simulated, kubeconfig,"
                      + " in-cluster or none)")
          Map<String, String> components,
      StatusMetrics metrics) {}

  @Schema(name = "StatusMetrics")
  record StatusMetrics(
      @JsonProperty("uptime_seconds") long uptimeSeconds,
      @JsonProperty("requests_total") long requestsTotal,
      @JsonProperty("requests_per_second") double requestsPerSecond,
      @JsonProperty("memory_percent") double memoryPercent,
      @JsonProperty("cpu_percent") double cpuPercent) {}

  /** container-engine-api.md: overall health; 503 with the same shape when a component fails. */
  @GetMapping("/health")
  @ApiResponses({
    @ApiResponse(responseCode = "200", description = "healthy"),
    @ApiResponse(
        responseCode = "503",
        description = "a required component is failing",
        useReturnTypeSchema = true)
  })
  Mono<ResponseEntity<EngineHealth>> health() {
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r ->
                ResponseEntity.status(r.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                    .body(
                        new EngineHealth(
                            r.ready() ? "healthy" : "unhealthy", "shipyard", version)));
  }

  @GetMapping({"/api/health", "/api/health/"})
  BasicHealth basic() {
    return new BasicHealth("healthy", Instant.now().toString(), version);
  }

  @GetMapping("/api/health/live")
  Liveness live() {
    return new Liveness("alive", Instant.now().toString());
  }

  /** 200 when every required component answers; otherwise 503 naming the failing ones. */
  @GetMapping("/api/health/ready")
  @ApiResponses({
    @ApiResponse(
        responseCode = "200",
        description = "ready",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = Ready.class))),
    @ApiResponse(
        responseCode = "503",
        description = "not ready: the failing required components are named",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = NotReady.class)))
  })
  Mono<ResponseEntity<Object>> ready() {
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r -> {
              if (r.ready()) {
                return ResponseEntity.ok(new Ready("ready", Instant.now().toString(), r.states()));
              }
              ErrorBodies.BuildsError error =
                  ErrorBodies.BuildsError.of(
                      ApiError.of(
                          HttpStatus.SERVICE_UNAVAILABLE,
                          "SERVICE_UNAVAILABLE",
                          "Not ready: " + r.summary()),
                      Instant.now());
              return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                  .body(
                      new NotReady(
                          error.error(),
                          error.detail(),
                          error.statusCode(),
                          error.timestamp(),
                          r.failing(),
                          r.states()));
            });
  }

  @GetMapping("/api/health/status")
  Mono<PlatformStatus> status() {
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r -> {
              long uptime = system.uptimeSeconds();
              long requests = statistics.total();
              StatusMetrics metrics =
                  new StatusMetrics(
                      uptime,
                      requests,
                      // Average since start: requests_total / uptime_seconds, to three decimals.
                      Math.round(1000.0 * requests / Math.max(1, uptime)) / 1000.0,
                      system.memoryPercent(),
                      system.cpuPercent());
              Map<String, String> components = new java.util.LinkedHashMap<>(r.states());
              components.put("cluster", cluster);
              return new PlatformStatus(
                  r.components().stream().anyMatch(ComponentHealth::failing)
                      ? "degraded"
                      : "operational",
                  Instant.now().toString(),
                  version,
                  components,
                  metrics);
            });
  }
}
