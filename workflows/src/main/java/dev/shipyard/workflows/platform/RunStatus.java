package dev.shipyard.workflows.platform;

/** Lifecycle of any Shipyard workflow run, as projected into PostgreSQL. */
public enum RunStatus {
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED;

  public boolean isTerminal() {
    return this != RUNNING;
  }

  /** The lower-case name stored in the database and shown in APIs. */
  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
