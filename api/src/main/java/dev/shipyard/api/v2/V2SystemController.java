package dev.shipyard.api.v2;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.health.ComponentChecks;
import dev.shipyard.api.health.ComponentHealth;
import dev.shipyard.api.health.Readiness;
import dev.shipyard.api.health.RequestStatistics;
import dev.shipyard.api.health.SystemMetrics;
import dev.shipyard.api.security.PublicEndpoint;
import dev.shipyard.api.web.RequestIds;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code GET /api/v2/health} and {@code GET /api/v2/metrics}, in the v2 envelope. */
@RestController
@PublicEndpoint
class V2SystemController {

  private static final Pattern PERIOD = Pattern.compile("(\\d{1,4})([mhd])");

  private final ComponentChecks checks;
  private final RequestStatistics statistics;
  private final SystemMetrics system;

  V2SystemController(ComponentChecks checks, RequestStatistics statistics, SystemMetrics system) {
    this.checks = checks;
    this.statistics = statistics;
    this.system = system;
  }

  /**
   * Without {@code detailed}, a liveness answer from the process. With {@code detailed=true}, the
   * real component checks; 503 when a required one fails (a readiness probe).
   */
  @GetMapping("/api/v2/health")
  Mono<ResponseEntity<Map<String, Object>>> health(
      @RequestParam(defaultValue = "false") boolean detailed, ServerWebExchange exchange) {
    String requestId = RequestIds.of(exchange);
    List<ApiResponse.Link> links =
        List.of(new ApiResponse.Link("/api/v2/health?detailed=" + detailed, "self", "GET"));
    if (!detailed) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("status", "healthy");
      data.put("uptime_seconds", system.uptimeSeconds());
      return Mono.just(ResponseEntity.ok(ApiResponse.ok(requestId, data, links, Map.of()).toMap()));
    }
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r -> {
              Map<String, Object> components = new LinkedHashMap<>();
              for (ComponentHealth c : r.components()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("status", c.state());
                one.put("latency_ms", c.latencyMillis());
                if (c.detail() != null) {
                  one.put("detail", c.detail());
                }
                components.put(c.name(), one);
              }
              Map<String, Object> data = new LinkedHashMap<>();
              data.put("status", r.ready() ? "healthy" : "unhealthy");
              data.put("uptime_seconds", system.uptimeSeconds());
              data.put("components", components);
              ApiResponse envelope = ApiResponse.ok(requestId, data, links, Map.of());
              if (r.ready()) {
                return ResponseEntity.ok(envelope.toMap());
              }
              List<Map<String, Object>> errors =
                  r.components().stream()
                      .filter(ComponentHealth::failing)
                      .map(
                          c -> {
                            Map<String, Object> e = new LinkedHashMap<>();
                            e.put("code", "SERVICE_UNAVAILABLE");
                            e.put("message", c.name() + " unavailable: " + c.detail());
                            e.put("field", c.name());
                            e.put("severity", "critical");
                            return e;
                          })
                      .toList();
              return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                  .body(envelope.failed(errors).toMap());
            });
  }

  /** Request counts, error rates and latency percentiles over {@code period} (1m to 7d). */
  @GetMapping("/api/v2/metrics")
  Map<String, Object> metrics(
      @RequestParam(defaultValue = "24h") String period, ServerWebExchange exchange) {
    Duration window = parsePeriod(period);
    long now = System.currentTimeMillis();
    RequestStatistics.Window w = statistics.window(now, window);
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("avg", SystemMetrics.round(w.averageMillis()));
    latency.put("p50", w.percentileMillis(0.50));
    latency.put("p95", w.percentileMillis(0.95));
    latency.put("p99", w.percentileMillis(0.99));
    latency.put("max", w.maxMillis());
    Map<String, Object> requests = new LinkedHashMap<>();
    requests.put("total", w.requests());
    requests.put(
        "per_second",
        rate(w.requests(), Math.min(window.toSeconds(), Math.max(1, system.uptimeSeconds()))));
    requests.put("client_errors", w.clientErrors());
    requests.put("server_errors", w.serverErrors());
    requests.put("error_rate", w.requests() == 0 ? 0.0 : rate(w.serverErrors(), w.requests()));
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("uptime_seconds", system.uptimeSeconds());
    resources.put("memory_percent", system.memoryPercent());
    resources.put("cpu_percent", system.cpuPercent());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("period", period);
    data.put("from", Instant.ofEpochMilli(now - window.toMillis()).toString());
    data.put("to", Instant.ofEpochMilli(now).toString());
    data.put("requests", requests);
    data.put("response_time_ms", latency);
    data.put("resources", resources);
    return ApiResponse.ok(
            RequestIds.of(exchange),
            data,
            List.of(new ApiResponse.Link("/api/v2/metrics?period=" + period, "self", "GET")),
            Map.of())
        .toMap();
  }

  static Duration parsePeriod(String period) {
    Matcher m = PERIOD.matcher(period == null ? "" : period.trim());
    Duration d = null;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d =
          switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
    }
    if (d == null || d.isZero() || d.compareTo(RequestStatistics.MAX_PERIOD) > 0) {
      throw new ApiException(
          ApiError.validation(
              HttpStatus.BAD_REQUEST,
              "period",
              "period must look like 15m, 1h, 24h or 7d, between 1 minute and 7 days"));
    }
    return d;
  }

  private static double rate(long part, long whole) {
    return whole == 0 ? 0.0 : Math.round(1000.0 * part / whole) / 1000.0;
  }
}
