package dev.shipyard.api.notifications;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.health.ComponentChecks;
import dev.shipyard.api.health.Readiness;
import dev.shipyard.api.security.Permission;
import dev.shipyard.api.web.Sockets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * container-engine-api.md's WebSockets:
 *
 * <ul>
 *   <li>{@code /v1/ws/notifications}: the caller's notifications ({@link NotificationWatch}). The
 *       credential comes as {@code Authorization: Bearer} on the upgrade (as documented), or as
 *       {@code ?token=} or {@code Sec-WebSocket-Protocol: bearer, <token>}; checked before the
 *       upgrade, so a refusal is plain HTTP in the container-engine shape: 401 without a valid
 *       credential, 403 without {@code deployment:read}, 400 for a bad {@code after}.
 *   <li>{@code /v1/ws/health}: public; {@code {type: "health", status, service, timestamp,
 *       components}} from the same checks as {@code GET /health}, on connect and every {@code
 *       shipyard.websocket.health-interval} (30 s); a text {@code ping} (or {@code {"type":
 *       "ping"}}) is answered with {@code {type: "pong", timestamp}}, and ping frames with pong
 *       frames (Reactor Netty).
 * </ul>
 *
 * Not in the OpenAPI document (it describes no WebSockets).
 */
@Configuration(proxyBeanMethods = false)
class NotificationSockets {

  @Bean
  HandlerMapping notificationSocketRoutes(
      Sockets sockets,
      NotificationStore store,
      NotificationFanout fanout,
      ComponentChecks checks,
      Clock clock,
      @Value("${shipyard.websocket.health-interval:30s}") Duration healthInterval) {
    return new SimpleUrlHandlerMapping(
        Map.of(
            "/v1/ws/notifications",
            new NotificationsUpgrade(sockets, store, fanout, clock),
            "/v1/ws/health",
            new HealthUpgrade(sockets, checks, clock, healthInterval)),
        -1);
  }

  /** Checks the caller and {@code after}, then upgrades. */
  record NotificationsUpgrade(
      Sockets sockets, NotificationStore store, NotificationFanout fanout, Clock clock)
      implements WebHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
      String rawAfter = exchange.getRequest().getQueryParams().getFirst("after");
      return Sockets.caller(Permission.DEPLOYMENT_READ)
          .flatMap(
              caller -> {
                Long after = after(rawAfter);
                UUID user = caller.userId();
                return sockets.upgrade(
                    exchange,
                    (Sockets.BearerSocket)
                        session ->
                            sockets.send(
                                session,
                                new NotificationWatch(user, after, store, fanout, clock)
                                    .messages()));
              });
    }

    static Long after(String raw) {
      if (raw == null || raw.isBlank()) {
        return null;
      }
      try {
        long value = Long.parseLong(raw.trim());
        if (value >= 0) {
          return value;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new ApiException(
          ApiError.validation(
              HttpStatus.BAD_REQUEST, "after", "after must be a notification ID (0 or more)"));
    }
  }

  /** Public: upgrades at once. */
  record HealthUpgrade(Sockets sockets, ComponentChecks checks, Clock clock, Duration every)
      implements WebHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
      return sockets.upgrade(exchange, this::session);
    }

    private Mono<Void> session(WebSocketSession session) {
      Sinks.Many<Map<String, Object>> pongs = Sinks.many().unicast().onBackpressureBuffer();
      Mono<Void> inbound =
          session
              .receive()
              .filter(m -> m.getType() == WebSocketMessage.Type.TEXT)
              .map(WebSocketMessage::getPayloadAsText)
              .filter(HealthUpgrade::isPing)
              .doOnNext(
                  ping ->
                      pongs.tryEmitNext(
                          Map.of("type", "pong", "timestamp", clock.instant().toString())))
              .then();
      Flux<Map<String, Object>> health =
          Flux.interval(Duration.ZERO, every).onBackpressureDrop().concatMap(tick -> report(), 1);
      return sockets.send(session, Flux.merge(health, pongs.asFlux()), inbound);
    }

    private Mono<Map<String, Object>> report() {
      return checks
          .checkAll()
          .map(Readiness::new)
          .map(
              r -> {
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("type", "health");
                message.put("status", r.ready() ? "healthy" : "unhealthy");
                message.put("service", "shipyard");
                message.put("timestamp", clock.instant().toString());
                message.put("components", r.states());
                return message;
              });
    }

    private static boolean isPing(String text) {
      String t = text.trim();
      return t.equalsIgnoreCase("ping") || t.replace(" ", "").equals("{\"type\":\"ping\"}");
    }
  }
}
