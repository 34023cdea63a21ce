package dev.shipyard.api.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.CallerAuthentication;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The WebSockets of builds-analysis-api.md: {@code /api/ws/build/{task_id}} and {@code
 * /api/ws/analysis/{analysis_id}}. Everything is checked before the upgrade, so a refusal is a
 * plain HTTP answer in the builds error shape: 401 without a valid credential ({@code ?token=} or
 * {@code Sec-WebSocket-Protocol: bearer, <token>}, read by the security chain's {@code
 * BearerAuthenticationFilter}), 403 without {@code build:read} / {@code analysis:read}, 404 for a
 * task that does not exist or that the caller may not see (neither owner nor admin of its tenant),
 * 400 for a bad {@code after}. A client that offered the {@code bearer} subprotocol gets it back.
 * The messages are {@link TaskWatch}'s. Not in the OpenAPI document (it describes no WebSockets).
 */
@Configuration(proxyBeanMethods = false)
class TaskSockets {

  /** The subprotocol a browser names to pass its token: {@code bearer, <token>}. */
  static final String BEARER = "bearer";

  @Bean
  HandlerMapping taskSocketRoutes(
      TaskEventStore store, TaskEventFanout fanout, ObjectMapper json, Clock clock) {
    HandshakeWebSocketService handshake = new HandshakeWebSocketService();
    handshake.start();
    return new SimpleUrlHandlerMapping(
        Map.of(
            "/api/ws/build/{task_id}",
            new Upgrade(TaskKind.BUILD, handshake, store, fanout, json, clock),
            "/api/ws/analysis/{task_id}",
            new Upgrade(TaskKind.ANALYSIS, handshake, store, fanout, json, clock)),
        -1);
  }

  /** Checks the caller and the task, then upgrades. */
  record Upgrade(
      TaskKind kind,
      HandshakeWebSocketService handshake,
      TaskEventStore store,
      TaskEventFanout fanout,
      ObjectMapper json,
      Clock clock)
      implements WebHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange) {
      Map<String, String> variables =
          exchange.getAttributeOrDefault(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of());
      String rawAfter = exchange.getRequest().getQueryParams().getFirst("after");
      return ReactiveSecurityContextHolder.getContext()
          .map(SecurityContext::getAuthentication)
          .filter(CallerAuthentication.class::isInstance)
          .map(auth -> ((CallerAuthentication) auth).getPrincipal())
          .switchIfEmpty(
              Mono.error(
                  () -> new AuthenticationCredentialsNotFoundException("Authentication required")))
          .flatMap(
              caller -> {
                if (!caller.has(kind.readPermission())) {
                  return Mono.error(
                      new AccessDeniedException("requires " + kind.readPermission().value()));
                }
                Long after = after(rawAfter);
                UUID id = TaskEventsController.taskId(kind, variables.get("task_id"));
                return TaskEventsController.visible(store, kind, caller, id)
                    .then(
                        Mono.defer(
                            () ->
                                handshake.handleRequest(
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
      implements WebSocketHandler {

    @Override
    public List<String> getSubProtocols() {
      return List.of(BEARER);
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
      TaskWatch watch =
          new TaskWatch(kind, id, after, upgrade.store(), upgrade.fanout(), upgrade.clock());
      Flux<WebSocketMessage> messages =
          watch.messages().map(m -> session.textMessage(write(upgrade.json(), m)));
      Mono<Void> send =
          session
              .send(messages)
              .then(Mono.defer(session::close))
              .onErrorResume(e -> session.close(CloseStatus.SERVER_ERROR));
      return Mono.firstWithSignal(send, session.receive().then());
    }

    private static String write(ObjectMapper json, Map<String, Object> message) {
      try {
        return json.writeValueAsString(message);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a task message", e);
      }
    }
  }
}
