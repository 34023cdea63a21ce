package dev.shipyard.activities.sandbox;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a sandboxed command ended.
 *
 * @param outcome exited, timed out, or its program was not found
 * @param exitCode the exit code when it exited, else -1
 * @param log the output file (as given in the command)
 * @param outputBytes bytes of output the command wrote (more than the log holds when truncated)
 * @param elapsed wall time of the run
 */
public record SandboxResult(
    Outcome outcome, int exitCode, Path log, long outputBytes, Duration elapsed) {

  public enum Outcome {
    EXITED,
    TIMED_OUT,
    NOT_FOUND
  }

  public boolean succeeded() {
    return outcome == Outcome.EXITED && exitCode == 0;
  }
}
