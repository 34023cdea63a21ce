package dev.shipyard.workflows.capsules;

import java.util.Locale;

/** The life of a capsule, as stored in PostgreSQL and shown by the API. */
public enum CapsuleStatus {
  QUEUED,
  PLANNING,
  GENERATING,
  VALIDATING,
  REFINING,
  STORING,
  STORED,
  FAILED,
  CANCELLED;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this == STORED || this == FAILED || this == CANCELLED;
  }
}
