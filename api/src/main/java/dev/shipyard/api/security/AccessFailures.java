package dev.shipyard.api.security;

import dev.shipyard.api.audit.AuditEntry;
import dev.shipyard.api.audit.AuditLog;
import dev.shipyard.api.audit.AuditOutcome;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ErrorResponses;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers refused requests in the family's error shape: 401 when nobody (valid) is calling, with
 * the reason a presented credential was refused; 403 when the caller lacks the permission, which is
 * also written to the audit trail.
 */
@Component
public class AccessFailures implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

  private final ErrorResponses responses;
  private final AuditLog audit;

  public AccessFailures(ErrorResponses responses, AuditLog audit) {
    this.responses = responses;
    this.audit = audit;
  }

  /** 401: missing, invalid, expired or revoked credentials. */
  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
    return unauthenticated(exchange);
  }

  public Mono<Void> unauthenticated(ServerWebExchange exchange) {
    String refused = exchange.getAttribute(BearerAuthenticationFilter.FAILURE);
    exchange
        .getResponse()
        .getHeaders()
        .set(
            HttpHeaders.WWW_AUTHENTICATE,
            refused == null ? "Bearer" : "Bearer error=\"invalid_token\"");
    return responses.write(
        exchange,
        ApiError.of(
            HttpStatus.UNAUTHORIZED,
            "UNAUTHORIZED",
            refused == null ? "Authentication required" : refused));
  }

  /** 403: authenticated, but without the permission the endpoint declares. */
  @Override
  public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
    return ReactiveSecurityContextHolder.getContext()
        .map(SecurityContext::getAuthentication)
        .filter(CallerAuthentication.class::isInstance)
        .map(auth -> Optional.of(((CallerAuthentication) auth).getPrincipal()))
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            caller ->
                caller.isEmpty()
                    ? unauthenticated(exchange)
                    : audit
                        .record(
                            exchange,
                            AuditEntry.by(caller.get(), "access.denied", AuditOutcome.DENIED)
                                .subject(
                                    exchange.getRequest().getMethod()
                                        + " "
                                        + exchange.getRequest().getPath().value())
                                .detail("requires", requirement(denied)))
                        .then(
                            Mono.defer(
                                () ->
                                    responses.write(
                                        exchange,
                                        ApiError.of(
                                            HttpStatus.FORBIDDEN,
                                            "FORBIDDEN",
                                            "Insufficient permissions")))));
  }

  private static String requirement(AccessDeniedException denied) {
    if (denied instanceof AuthorizationDeniedException authz
        && authz.getAuthorizationResult() != null) {
      return authz.getAuthorizationResult().toString();
    }
    return "unknown";
  }
}
