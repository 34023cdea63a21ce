package dev.shipyard.activities.common;

/**
 * Where a long step reports how far it got (build and analysis steps): the activity turns each
 * report into a persisted progress event of its task.
 */
@FunctionalInterface
public interface StepProgress {

  /** Reports nothing (plain unit tests). */
  StepProgress NONE = (step, percent, message) -> {};

  /**
   * @param step the current step, e.g. {@code Installing dependencies}
   * @param percent how far the whole step is, 0 to 100
   * @param message a short line (never a secret), may be null
   */
  void report(String step, int percent, String message);
}
