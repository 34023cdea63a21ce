package dev.shipyard.api.deployments;

import dev.shipyard.api.deployments.DeploymentLogs.LogLine;
import dev.shipyard.api.deployments.DeploymentLogs.Logs;
import dev.shipyard.api.deployments.DeploymentMetrics.MetricsResponse;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * container-engine-api.md's monitoring of one deployment, read from the cluster by the API: {@code
 * GET /v1/deployments/{id}/logs?tail&follow} ({@link DeploymentLogs}; {@code follow=true} streams
 * Server-Sent Events, one per line, until the client goes away) and {@code GET
 * /v1/deployments/{id}/metrics} ({@link DeploymentMetrics}). The caller's deployment only ({@link
 * OwnedDeployments}: anyone else's is 404); 503 without a reachable cluster.
 */
@RestController
class DeploymentMonitoringController {

  /** A comment event this often keeps a quiet stream open through proxies. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final OwnedDeployments owned;
  private final DeploymentLogs logs;
  private final DeploymentMetrics metrics;

  DeploymentMonitoringController(
      OwnedDeployments owned, DeploymentLogs logs, DeploymentMetrics metrics) {
    this.owned = owned;
    this.logs = logs;
    this.metrics = metrics;
  }

  @GetMapping("/v1/deployments/{deploymentId}/logs")
  @PreAuthorize("hasAuthority('deployment:read')")
  @Operation(
      summary = "Logs of a deployment's pods",
      description =
          "The last 'tail' lines over the deployment's pods, oldest first. With follow=true the"
              + " answer is a stream of Server-Sent Events (text/event-stream): the last 'tail'"
              + " lines, then every new line as it is written, one event 'log' per line with the"
              + " line's timestamp as its id, until the client disconnects.")
  @ApiResponse(
      responseCode = "200",
      description = "the lines (JSON), or a stream of them (follow=true)",
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = Logs.class)),
        @Content(
            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
            schema = @Schema(type = "string", description = "event: log, id, data: a line"))
      })
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  Mono<ResponseEntity<?>> logs(
      @AuthenticationPrincipal Caller caller,
      @PathVariable("deploymentId") String deploymentId,
      @Parameter(description = "lines to return from the end, 1 to 5000 (default 100)")
          @RequestParam(required = false)
          Integer tail,
      @Parameter(description = "stream new lines as Server-Sent Events (default false)")
          @RequestParam(required = false)
          Boolean follow) {
    int lines = tail(tail);
    Mono<OwnedDeployments.Owned> deployment = owned.require(caller, deploymentId);
    if (Boolean.TRUE.equals(follow)) {
      // A missing cluster is a 503 before the stream starts, not an empty stream.
      return deployment
          .flatMap(d -> logs.cluster().configured().thenReturn(d))
          .map(
              d -> {
                Flux<ServerSentEvent<?>> events =
                    Flux.merge(
                        logs.follow(d, null, lines).map(DeploymentMonitoringController::event),
                        Flux.interval(KEEP_ALIVE, KEEP_ALIVE)
                            .onBackpressureDrop()
                            .map(t -> ServerSentEvent.builder().comment("keep-alive").build()));
                return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(events);
              });
    }
    return deployment
        .flatMap(d -> logs.tail(d, lines))
        .map(l -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new Logs(l)));
  }

  private static ServerSentEvent<?> event(LogLine line) {
    return ServerSentEvent.builder(line).id(line.timestamp()).event("log").build();
  }

  @GetMapping("/v1/deployments/{deploymentId}/metrics")
  @PreAuthorize("hasAuthority('deployment:read')")
  @Operation(
      summary = "Resource usage of a deployment",
      description =
          "CPU and memory of the deployment's pods from the cluster's metrics API"
              + " (metrics.k8s.io); when the cluster does not serve it, available is false and"
              + " reason says why (never invented numbers).")
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  Mono<MetricsResponse> metrics(
      @AuthenticationPrincipal Caller caller, @PathVariable("deploymentId") String deploymentId) {
    return owned.require(caller, deploymentId).flatMap(metrics::of);
  }

  /**
   * {@code tail}: 1 to {@value DeploymentLogs#MAX_TAIL}, default {@value
   * DeploymentLogs#DEFAULT_TAIL}.
   */
  static int tail(Integer tail) {
    if (tail == null) {
      return DeploymentLogs.DEFAULT_TAIL;
    }
    if (tail < 1 || tail > DeploymentLogs.MAX_TAIL) {
      throw new ApiException(
          ApiError.validation(
              HttpStatus.BAD_REQUEST,
              "tail",
              "tail must be between 1 and " + DeploymentLogs.MAX_TAIL));
    }
    return tail;
  }
}
