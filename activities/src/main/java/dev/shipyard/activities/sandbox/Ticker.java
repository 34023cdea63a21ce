package dev.shipyard.activities.sandbox;

/**
 * Called while a long step runs: heartbeats the activity and throws (an unchecked exception, such
 * as Temporal's {@code ActivityCompletionException}) when the step must stop.
 */
@FunctionalInterface
public interface Ticker {

  /** No heartbeat, never stops (plain unit tests). */
  Ticker NONE = detail -> {};

  void tick(String detail);
}
