package dev.shipyard.api.tasks;

import dev.shipyard.api.security.Caller;
import dev.shipyard.api.web.Sockets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * The WebSockets of builds-analysis-api.md: {@code /api/ws/build/{task_id}} and {@code
 * /api/ws/analysis/{analysis_id}}. Everything is checked before the upgrade ({@link Sockets}), so a
 * refusal is a plain HTTP answer in the builds error shape: 401 without a valid credential ({@code
 * ?token=} or {@code Sec-WebSocket-Protocol: bearer, <token>}, read by the security chain's {@code
 * BearerAuthenticationFilter}), 403 without {@code build:read} / {@code analysis:read}, 404 for a
 * task that does not exist or that the caller may not see (neither owner nor admin of its tenant),
 * 400 for a bad {@code after}. A client that offered the {@code bearer} subprotocol gets it back.
 * The messages are {@link TaskWatch}'s. Not in the OpenAPI document (it describes no WebSockets).
 */
@Configuration(proxyBeanMethods = false)
class TaskSockets {

  @Bean
  HandlerMapping taskSocketRoutes(
      TaskEventStore store, TaskEventFanout fanout, Sockets sockets, Clock clock) {
    return new SimpleUrlHandlerMapping(
        Map.of(
            "/api/ws/build/{task_id}",
            new Upgrade(TaskKind.BUILD, sockets, store, fanout, clock),
            "/api/ws/analysis/{task_id}",
            new Upgrade(TaskKind.ANALYSIS, sockets, store, fanout, clock)),
        -1);
  }

  /** Checks the caller and the task, then upgrades. */
  record Upgrade(
      TaskKind kind, Sockets sockets, TaskEventStore store, TaskEventFanout fanout, Clock clock)
      implements WebHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
      Map<String, String> variables =
          exchange.getAttributeOrDefault(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of());
      String rawAfter = exchange.getRequest().getQueryParams().getFirst("after");
      return Sockets.caller(kind.readPermission())
          .flatMap(
              caller -> {
                Long after = after(rawAfter);
                UUID id = TaskEventsController.taskId(kind, variables.get("task_id"));
                return TaskEventsController.visible(store, kind, caller, id)
                    .then(
                        Mono.defer(
                            () ->
                                sockets.upgrade(
                                    exchange, new Socket(kind, id, after, caller, this))));
              });
    }

    private static Long after(String raw) {
      if (raw == null || raw.isBlank()) {
        return null;
      }
      long value;
      try {
        value = Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        value = -1;
      }
      return TaskEventsController.validAfter(value);
    }
  }

  /** One connection: sends {@link TaskWatch}'s messages; the end of the task closes it. */
  record Socket(TaskKind kind, UUID id, Long after, Caller caller, Upgrade upgrade)
      implements Sockets.BearerSocket {

    @Override
    public Mono<Void> handle(WebSocketSession session) {
      TaskWatch watch =
          new TaskWatch(kind, id, after, upgrade.store(), upgrade.fanout(), upgrade.clock());
      return upgrade.sockets().send(session, watch.messages());
    }
  }
}
