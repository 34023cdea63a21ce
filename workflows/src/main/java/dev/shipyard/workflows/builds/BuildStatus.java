package dev.shipyard.workflows.builds;

import dev.shipyard.workflows.platform.RunStatus;
import java.util.Locale;

/**
 * The statuses of builds-analysis-api.md. {@code initializing} and {@code running} are phases of a
 * running run in {@code workflow_runs}; the others are its terminal statuses.
 */
public enum BuildStatus {
  INITIALIZING(RunStatus.RUNNING),
  RUNNING(RunStatus.RUNNING),
  COMPLETED(RunStatus.COMPLETED),
  FAILED(RunStatus.FAILED),
  CANCELLED(RunStatus.CANCELLED);

  private final RunStatus run;

  BuildStatus(RunStatus run) {
    this.run = run;
  }

  public RunStatus run() {
    return run;
  }

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isTerminal() {
    return run.isTerminal();
  }

  /** The build status of a run with {@code status} and {@code phase}. */
  public static BuildStatus of(RunStatus status, String phase) {
    if (status == null) {
      return INITIALIZING;
    }
    return switch (status) {
      case RUNNING -> RUNNING.value().equals(phase) ? RUNNING : INITIALIZING;
      case COMPLETED -> COMPLETED;
      case FAILED -> FAILED;
      case CANCELLED -> CANCELLED;
    };
  }
}
