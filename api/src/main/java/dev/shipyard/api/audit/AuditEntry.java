package dev.shipyard.api.audit;

import dev.shipyard.api.security.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One security event for the audit trail. It names who, what and the outcome; it never holds a
 * password, token or key (only identifiers, such as an API key's ID or an attempted email).
 */
public record AuditEntry(
    String event,
    AuditOutcome outcome,
    String tenantId,
    UUID actorId,
    UUID apiKeyId,
    String subject,
    Map<String, Object> details) {

  /** An event caused by an authenticated caller. */
  public static AuditEntry by(Caller caller, String event, AuditOutcome outcome) {
    return new AuditEntry(
        event,
        outcome,
        caller.tenantId(),
        caller.userId(),
        caller.apiKeyId(),
        null,
        new LinkedHashMap<>());
  }

  /** An event about a user who is not (yet) authenticated, such as a login attempt. */
  public static AuditEntry about(String tenantId, UUID userId, String event, AuditOutcome outcome) {
    return new AuditEntry(event, outcome, tenantId, userId, null, null, new LinkedHashMap<>());
  }

  public AuditEntry subject(String value) {
    return new AuditEntry(event, outcome, tenantId, actorId, apiKeyId, value, details);
  }

  public AuditEntry detail(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(details);
    more.put(key, value);
    return new AuditEntry(event, outcome, tenantId, actorId, apiKeyId, subject, more);
  }
}
