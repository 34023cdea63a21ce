package dev.shipyard.api.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.CallerAuthentication;
import dev.shipyard.api.security.Permission;
import java.util.List;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What every WebSocket of the API shares (task progress, notifications, health, deployment logs):
 * which paths are sockets (their {@code ?token=} is moved into {@code Authorization} by {@link
 * WebSocketTokens} and {@code Sec-WebSocket-Protocol: bearer, <token>} is read by the security
 * chain), the caller checked <em>before</em> the upgrade (so a refusal is a plain HTTP answer in
 * the family of the path: 401 without a valid credential, 403 without the permission), one
 * handshake service, the {@code bearer} subprotocol answered to a client that offered it, and JSON
 * messages sent until the stream ends (then a normal close) or the client goes away.
 */
@Component
public class Sockets {

  /** The subprotocol a browser names to pass its token: {@code bearer, <token>}. */
  public static final String BEARER = "bearer";

  private final HandshakeWebSocketService handshake = new HandshakeWebSocketService();
  private final ObjectMapper json;

  Sockets(ObjectMapper json) {
    this.json = json;
    handshake.start();
  }

  /**
   * Whether {@code path} is a WebSocket endpoint: {@code /api/ws/...} (builds, analyses), {@code
   * /v1/ws/...} (notifications, health) and {@code /v1/deployments/{id}/logs/stream}.
   */
  public static boolean isSocketPath(String path) {
    return path.startsWith("/api/ws/")
        || path.startsWith("/v1/ws/")
        || (path.startsWith("/v1/deployments/") && path.endsWith("/logs/stream"));
  }

  /**
   * The authenticated caller, or an error the error handler answers with 401 (none) or 403 (the
   * caller lacks {@code required}; null: any caller).
   */
  public static Mono<Caller> caller(Permission required) {
    return ReactiveSecurityContextHolder.getContext()
        .map(SecurityContext::getAuthentication)
        .filter(CallerAuthentication.class::isInstance)
        .map(auth -> ((CallerAuthentication) auth).getPrincipal())
        .switchIfEmpty(
            Mono.error(
                () -> new AuthenticationCredentialsNotFoundException("Authentication required")))
        .flatMap(
            caller ->
                required == null || caller.has(required)
                    ? Mono.just(caller)
                    : Mono.error(new AccessDeniedException("requires " + required.value())));
  }

  /** Upgrades the exchange to a WebSocket handled by {@code handler}. */
  public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler) {
    return handshake.handleRequest(exchange, handler);
  }

  /** {@code message} as JSON text. */
  public String write(Object message) {
    try {
      return json.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a WebSocket message", e);
    }
  }

  /**
   * Sends {@code messages} as JSON text; when they end the socket is closed normally (1000), when
   * they fail it is closed with 1011; when the client goes away the messages are cancelled.
   * Whatever the client sends is read and ignored.
   */
  public Mono<Void> send(WebSocketSession session, Flux<?> messages) {
    return send(session, messages, session.receive().then());
  }

  /**
   * Like {@link #send(WebSocketSession, Flux)}, with {@code inbound} consuming what the client
   * sends (its end ends the socket).
   */
  public Mono<Void> send(WebSocketSession session, Flux<?> messages, Mono<Void> inbound) {
    Mono<Void> out =
        session
            .send(messages.map(m -> session.textMessage(write(m))))
            .then(Mono.defer(session::close))
            .onErrorResume(e -> session.close(CloseStatus.SERVER_ERROR));
    return Mono.firstWithSignal(out, inbound);
  }

  /** A socket handler that answers the {@code bearer} subprotocol to a client that offered it. */
  public interface BearerSocket extends WebSocketHandler {
    @Override
    default List<String> getSubProtocols() {
      return List.of(BEARER);
    }
  }
}
