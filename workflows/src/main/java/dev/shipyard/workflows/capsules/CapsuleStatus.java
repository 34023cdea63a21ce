package dev.shipyard.workflows.capsules;

import dev.shipyard.workflows.platform.RunStatus;
import java.util.Locale;

/**
 * The life of a capsule as the API shows it. It is stored as a run of {@code workflow_runs}: the
 * run status ({@link #run()}) plus the phase ({@link #value()}); whether a state is terminal is
 * decided by {@link RunStatus#isTerminal()} alone.
 */
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

  /** The run kind of capsule generations in {@code workflow_runs} and the search attributes. */
  public static final String KIND = "capsule-generation";

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The run status this state is projected as. */
  public RunStatus run() {
    return switch (this) {
      case STORED -> RunStatus.COMPLETED;
      case FAILED -> RunStatus.FAILED;
      case CANCELLED -> RunStatus.CANCELLED;
      default -> RunStatus.RUNNING;
    };
  }

  public boolean finished() {
    return run().isTerminal();
  }

  /**
   * The capsule status of a projected run: a running run shows its phase; a closed one its end.
   * {@code status} null (no run row yet) is {@link #QUEUED}.
   */
  public static CapsuleStatus of(RunStatus status, String phase) {
    if (status == null) {
      return QUEUED;
    }
    return switch (status) {
      case COMPLETED -> STORED;
      case FAILED -> FAILED;
      case CANCELLED -> CANCELLED;
      case RUNNING -> {
        if (phase == null) {
          yield QUEUED;
        }
        CapsuleStatus p = valueOf(phase.toUpperCase(Locale.ROOT));
        yield p.finished() ? QUEUED : p;
      }
    };
  }
}
