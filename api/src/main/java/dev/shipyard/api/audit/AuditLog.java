package dev.shipyard.api.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.security.ClientIp;
import dev.shipyard.api.web.RequestIds;
import io.r2dbc.postgresql.codec.Json;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes security events to PostgreSQL ({@code audit_events}) with the caller, client IP, request
 * ID and time. The write is part of the request: if it fails, the request fails rather than leaving
 * an action unaudited.
 */
@Component
public class AuditLog {

  private final DatabaseClient db;
  private final ObjectMapper json;

  public AuditLog(DatabaseClient db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  public Mono<Void> record(ServerWebExchange exchange, AuditEntry entry) {
    String details;
    try {
      details = json.writeValueAsString(entry.details());
    } catch (JsonProcessingException e) {
      return Mono.error(e);
    }
    return db.sql(
            "INSERT INTO audit_events (tenant_id, actor_id, api_key_id, event, outcome,"
                + " subject, ip, request_id, details) VALUES (:tenant, :actor, :key, :event,"
                + " :outcome, :subject, :ip, :request, :details)")
        .bind("event", entry.event())
        .bind("outcome", entry.outcome().value())
        .bind("ip", ClientIp.of(exchange))
        .bind("request", RequestIds.of(exchange))
        .bind("details", Json.of(details))
        .bind("tenant", Parameter.fromOrEmpty(entry.tenantId(), String.class))
        .bind("actor", Parameter.fromOrEmpty(entry.actorId(), UUID.class))
        .bind("key", Parameter.fromOrEmpty(entry.apiKeyId(), UUID.class))
        .bind("subject", Parameter.fromOrEmpty(entry.subject(), String.class))
        .then();
  }
}
