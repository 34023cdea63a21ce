package dev.shipyard.api.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Permission;
import dev.shipyard.api.web.Pagination;
import io.r2dbc.postgresql.codec.Json;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/admin/audit}: the security events of the admin's own tenant, newest first. Admins
 * of the operator tenant also see events that belong to no tenant (failed logins and reset requests
 * for unknown accounts).
 */
@RestController
class AuditController {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final DatabaseClient db;
  private final ObjectMapper json;

  AuditController(DatabaseClient db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /** One security event. */
  record AuditEvent(
      Instant at,
      @JsonProperty("actor_id") @Schema(nullable = true) String actorId,
      @JsonProperty("api_key_id") @Schema(nullable = true) String apiKeyId,
      String event,
      String outcome,
      @Schema(nullable = true) String subject,
      @Schema(nullable = true) String ip,
      @JsonProperty("request_id") @Schema(nullable = true) String requestId,
      Map<String, Object> details) {}

  /** {@code GET /v1/admin/audit}. */
  record AuditPage(List<AuditEvent> events, Pagination.Page pagination) {}

  @GetMapping("/v1/admin/audit")
  @PreAuthorize("hasAuthority('audit:read')")
  public Mono<AuditPage> events(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String event,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer limit) {
    Pagination pagination = Pagination.of(page, limit);
    String where =
        " WHERE (tenant_id = :tenant OR (:operator AND tenant_id IS NULL))"
            + " AND (CAST(:event AS text) IS NULL OR event = :event)";
    boolean operator = caller.has(Permission.TENANT_CREATE);
    Mono<Long> total =
        db.sql("SELECT count(*) AS n FROM audit_events" + where)
            .bind("tenant", caller.tenantId())
            .bind("operator", operator)
            .bind("event", Parameter.fromOrEmpty(event, String.class))
            .map(row -> row.get("n", Long.class))
            .one();
    return db.sql(
            "SELECT at, actor_id, api_key_id, event, outcome, subject, ip, request_id, details"
                + " FROM audit_events"
                + where
                + " ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset")
        .bind("tenant", caller.tenantId())
        .bind("operator", operator)
        .bind("event", Parameter.fromOrEmpty(event, String.class))
        .bind("limit", pagination.limit())
        .bind("offset", pagination.offset())
        .map(
            row ->
                new AuditEvent(
                    row.get("at", OffsetDateTime.class).toInstant(),
                    string(row.get("actor_id", UUID.class)),
                    string(row.get("api_key_id", UUID.class)),
                    row.get("event", String.class),
                    row.get("outcome", String.class),
                    row.get("subject", String.class),
                    row.get("ip", String.class),
                    row.get("request_id", String.class),
                    details(row.get("details", Json.class))))
        .all()
        .collectList()
        .zipWith(total)
        .map(t -> new AuditPage(t.getT1(), pagination.describe(t.getT2())));
  }

  private Map<String, Object> details(Json value) {
    if (value == null) {
      return Map.of();
    }
    try {
      return json.readValue(value.asString(), MAP);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String string(UUID id) {
    return id == null ? null : id.toString();
  }
}
