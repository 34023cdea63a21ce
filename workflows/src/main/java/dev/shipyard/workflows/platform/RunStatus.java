package dev.shipyard.workflows.platform;

import java.util.Locale;

/**
 * Lifecycle of any Shipyard workflow run, as projected into {@code workflow_runs}. {@link
 * #isTerminal()} is the one place that decides which states are terminal: features map their own
 * phases onto these four (e.g. {@code CapsuleStatus#run()}).
 */
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
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status stored as {@code value}, or null for null. */
  public static RunStatus of(String value) {
    return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
  }
}
