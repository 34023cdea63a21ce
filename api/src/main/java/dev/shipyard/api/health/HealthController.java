package dev.shipyard.api.health;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ErrorResponses;
import dev.shipyard.api.security.PublicEndpoint;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
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
  private final ErrorResponses errors;
  private final String version;

  HealthController(
      ComponentChecks checks,
      RequestStatistics statistics,
      SystemMetrics system,
      ErrorResponses errors,
      ObjectProvider<BuildProperties> build) {
    this.checks = checks;
    this.statistics = statistics;
    this.system = system;
    this.errors = errors;
    BuildProperties info = build.getIfAvailable();
    this.version = info == null ? "dev" : info.getVersion();
  }

  /** container-engine-api.md: overall health; 503 with the same shape when a component fails. */
  @GetMapping("/health")
  Mono<ResponseEntity<Map<String, Object>>> health() {
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("status", r.ready() ? "healthy" : "unhealthy");
              body.put("service", "shipyard");
              body.put("version", version);
              return ResponseEntity.status(
                      r.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                  .body(body);
            });
  }

  @GetMapping({"/api/health", "/api/health/"})
  Map<String, Object> basic() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "healthy");
    body.put("timestamp", Instant.now().toString());
    body.put("version", version);
    return body;
  }

  @GetMapping("/api/health/live")
  Map<String, Object> live() {
    return Map.of("status", "alive", "timestamp", Instant.now().toString());
  }

  /** 200 when every required component answers; otherwise 503 naming the failing ones. */
  @GetMapping("/api/health/ready")
  Mono<ResponseEntity<Map<String, Object>>> ready(ServerWebExchange exchange) {
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r -> {
              Map<String, Object> body;
              if (r.ready()) {
                body = new LinkedHashMap<>();
                body.put("status", "ready");
                body.put("timestamp", Instant.now().toString());
              } else {
                body =
                    new LinkedHashMap<>(
                        errors.body(
                            exchange,
                            ApiError.of(
                                HttpStatus.SERVICE_UNAVAILABLE,
                                "SERVICE_UNAVAILABLE",
                                "Not ready: " + r.summary())));
                body.put("unavailable", r.failing());
              }
              body.put("components", r.states());
              return ResponseEntity.status(
                      r.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                  .body(body);
            });
  }

  @GetMapping("/api/health/status")
  Mono<Map<String, Object>> status() {
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r -> {
              long uptime = system.uptimeSeconds();
              long requests = statistics.total();
              Map<String, Object> metrics = new LinkedHashMap<>();
              metrics.put("uptime_seconds", uptime);
              metrics.put("requests_total", requests);
              // Average since start: requests_total / uptime_seconds, to three decimals.
              metrics.put(
                  "requests_per_second",
                  Math.round(1000.0 * requests / Math.max(1, uptime)) / 1000.0);
              metrics.put("memory_percent", system.memoryPercent());
              metrics.put("cpu_percent", system.cpuPercent());
              Map<String, Object> body = new LinkedHashMap<>();
              body.put(
                  "status",
                  r.components().stream().anyMatch(ComponentHealth::failing)
                      ? "degraded"
                      : "operational");
              body.put("timestamp", Instant.now().toString());
              body.put("version", version);
              body.put("components", r.states());
              body.put("metrics", metrics);
              return body;
            });
  }
}
