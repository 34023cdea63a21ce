package dev.shipyard.activities.capsules;

import dev.shipyard.activities.common.Heartbeats;
import java.util.concurrent.Callable;

/** Runs a long capsule step: heartbeats through the shared helper, failures typed in one place. */
final class CapsuleSteps {

  private CapsuleSteps() {}

  static <T> T run(String stage, Callable<T> step) {
    try {
      return Heartbeats.during(stage, step);
    } catch (Exception e) {
      throw CapsuleFailures.map(e);
    }
  }
}
