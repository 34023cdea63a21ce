package dev.shipyard.activities.codegen.llm;

import java.time.Duration;

/** How the engine waits between retries; tests pass one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

  void sleep(Duration duration) throws InterruptedException;

  /** {@link Thread#sleep(long)}. */
  Sleeper SYSTEM =
      duration -> {
        if (duration.isNegative() || duration.isZero()) {
          return;
        }
        Thread.sleep(duration.toMillis());
      };
}
