package dev.shipyard.api.deployments;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Permission;
import dev.shipyard.api.web.Sockets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * {@code ws /v1/deployments/{id}/logs/stream?since=<RFC 3339>}: the deployment's log lines as JSON
 * messages ({@code {timestamp, level, message, source}}, {@link DeploymentLogs#follow}). Without
 * {@code since} the last {@code tail} (default 100) lines come first; with it, the lines after it:
 * a client that reconnects passes the timestamp of the last line it saw and continues without a
 * duplicate. The credential as for every socket ({@link Sockets}); checked before the upgrade, so a
 * refusal is plain HTTP in the container-engine shape (401, 403 without {@code deployment:read},
 * 404 for a deployment the caller may not see, 400 for a bad {@code since} or {@code tail}).
 */
@Configuration(proxyBeanMethods = false)
class DeploymentLogSockets {

  @Bean
  HandlerMapping deploymentLogSocketRoutes(
      Sockets sockets, OwnedDeployments owned, DeploymentLogs logs) {
    return new SimpleUrlHandlerMapping(
        Map.of("/v1/deployments/{deploymentId}/logs/stream", new Upgrade(sockets, owned, logs)),
        -1);
  }

  record Upgrade(Sockets sockets, OwnedDeployments owned, DeploymentLogs logs)
      implements WebHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
      Map<String, String> variables =
          exchange.getAttributeOrDefault(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of());
      var query = exchange.getRequest().getQueryParams();
      return Sockets.caller(Permission.DEPLOYMENT_READ)
          .flatMap(
              caller -> {
                Instant since = since(query.getFirst("since"));
                int tail =
                    DeploymentMonitoringController.tail(
                        query.getFirst("tail") == null ? null : integer(query.getFirst("tail")));
                return owned
                    .require(caller, variables.get("deploymentId"))
                    .flatMap(d -> logs.cluster().configured().thenReturn(d))
                    .flatMap(
                        deployment ->
                            sockets.upgrade(
                                exchange,
                                (Sockets.BearerSocket)
                                    session ->
                                        sockets.send(
                                            session, logs.follow(deployment, since, tail))));
              });
    }

    static Instant since(String raw) {
      if (raw == null || raw.isBlank()) {
        return null;
      }
      try {
        return OffsetDateTime.parse(raw.trim()).toInstant();
      } catch (DateTimeParseException e) {
        throw new ApiException(
            ApiError.validation(
                HttpStatus.BAD_REQUEST,
                "since",
                "since must be an RFC 3339 timestamp, such as 2025-01-01T12:00:00Z"));
      }
    }

    private static Integer integer(String raw) {
      try {
        return Integer.valueOf(raw.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
