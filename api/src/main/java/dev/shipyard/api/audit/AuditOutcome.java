package dev.shipyard.api.audit;

import java.util.Locale;

/** How a security event ended. */
public enum AuditOutcome {
  SUCCESS,
  FAILURE,
  DENIED;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
