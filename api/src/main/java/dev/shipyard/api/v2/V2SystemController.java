package dev.shipyard.api.v2;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.ErrorBodies;
import dev.shipyard.api.health.ComponentChecks;
import dev.shipyard.api.health.ComponentHealth;
import dev.shipyard.api.health.Readiness;
import dev.shipyard.api.health.RequestStatistics;
import dev.shipyard.api.health.SystemMetrics;
import dev.shipyard.api.security.PublicEndpoint;
import dev.shipyard.api.web.RequestIds;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
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

  /** {@code data} of {@code GET /api/v2/health}; {@code components} only when detailed. */
  @Schema(name = "V2Health")
  record Health(
      @Schema(allowableValues = {"healthy", "unhealthy"}) String status,
      @JsonProperty("uptime_seconds") long uptimeSeconds,
      @JsonInclude(JsonInclude.Include.NON_NULL)
          @Schema(description = "with detailed=true: each component by name")
          Map<String, Component> components) {}

  /** One checked component. */
  @Schema(name = "V2ComponentHealth")
  record Component(
      @Schema(allowableValues = {"healthy", "unhealthy", "disabled"}) String status,
      @JsonProperty("latency_ms") long latencyMs,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "why it is unhealthy")
          String detail) {}

  /** {@code data} of {@code GET /api/v2/metrics}. */
  @Schema(name = "V2Metrics")
  record Metrics(
      String period,
      String from,
      String to,
      Requests requests,
      @JsonProperty("response_time_ms") Latency responseTimeMs,
      Resources resources) {}

  @Schema(name = "V2RequestCounts")
  record Requests(
      long total,
      @JsonProperty("per_second") double perSecond,
      @JsonProperty("client_errors") long clientErrors,
      @JsonProperty("server_errors") long serverErrors,
      @JsonProperty("error_rate") double errorRate) {}

  @Schema(name = "V2Latency")
  record Latency(double avg, long p50, long p95, long p99, long max) {}

  @Schema(name = "V2Resources")
  record Resources(
      @JsonProperty("uptime_seconds") long uptimeSeconds,
      @JsonProperty("memory_percent") double memoryPercent,
      @JsonProperty("cpu_percent") double cpuPercent) {}

  /**
   * Without {@code detailed}, a liveness answer from the process. With {@code detailed=true}, the
   * real component checks; 503 when a required one fails (a readiness probe).
   */
  @GetMapping("/api/v2/health")
  @ApiResponses({
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
        responseCode = "200",
        description = "healthy"),
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
        responseCode = "503",
        description =
            "with detailed=true: a required component is failing (success false, the data kept,"
                + " one error per failing component)",
        useReturnTypeSchema = true)
  })
  Mono<ResponseEntity<ApiResponse<Health>>> health(
      @RequestParam(defaultValue = "false") boolean detailed, ServerWebExchange exchange) {
    String requestId = RequestIds.of(exchange);
    List<ApiResponse.Link> links =
        List.of(new ApiResponse.Link("/api/v2/health?detailed=" + detailed, "self", "GET"));
    if (!detailed) {
      Health data = new Health("healthy", system.uptimeSeconds(), null);
      return Mono.just(
          ResponseEntity.ok(ApiResponse.ok(requestId, data, links, ApiResponse.Meta.NONE)));
    }
    return checks
        .checkAll()
        .map(Readiness::new)
        .map(
            r -> {
              Map<String, Component> components = new LinkedHashMap<>();
              for (ComponentHealth c : r.components()) {
                components.put(c.name(), new Component(c.state(), c.latencyMillis(), c.detail()));
              }
              Health data =
                  new Health(
                      r.ready() ? "healthy" : "unhealthy", system.uptimeSeconds(), components);
              ApiResponse<Health> envelope =
                  ApiResponse.ok(requestId, data, links, ApiResponse.Meta.NONE);
              if (r.ready()) {
                return ResponseEntity.ok(envelope);
              }
              List<ErrorBodies.V2Error> errors =
                  r.components().stream()
                      .filter(ComponentHealth::failing)
                      .map(
                          c ->
                              new ErrorBodies.V2Error(
                                  "SERVICE_UNAVAILABLE",
                                  c.name() + " unavailable: " + c.detail(),
                                  c.name(),
                                  "critical"))
                      .toList();
              return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                  .body(envelope.failed(errors));
            });
  }

  /** Request counts, error rates and latency percentiles over {@code period} (1m to 7d). */
  @GetMapping("/api/v2/metrics")
  ApiResponse<Metrics> metrics(
      @RequestParam(defaultValue = "24h") String period, ServerWebExchange exchange) {
    Duration window = parsePeriod(period);
    long now = System.currentTimeMillis();
    RequestStatistics.Window w = statistics.window(now, window);
    Latency latency =
        new Latency(
            SystemMetrics.round(w.averageMillis()),
            w.percentileMillis(0.50),
            w.percentileMillis(0.95),
            w.percentileMillis(0.99),
            w.maxMillis());
    Requests requests =
        new Requests(
            w.requests(),
            rate(w.requests(), Math.min(window.toSeconds(), Math.max(1, system.uptimeSeconds()))),
            w.clientErrors(),
            w.serverErrors(),
            w.requests() == 0 ? 0.0 : rate(w.serverErrors(), w.requests()));
    Resources resources =
        new Resources(system.uptimeSeconds(), system.memoryPercent(), system.cpuPercent());
    Metrics data =
        new Metrics(
            period,
            Instant.ofEpochMilli(now - window.toMillis()).toString(),
            Instant.ofEpochMilli(now).toString(),
            requests,
            latency,
            resources);
    return ApiResponse.ok(
        RequestIds.of(exchange),
        data,
        List.of(new ApiResponse.Link("/api/v2/metrics?period=" + period, "self", "GET")),
        ApiResponse.Meta.NONE);
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
