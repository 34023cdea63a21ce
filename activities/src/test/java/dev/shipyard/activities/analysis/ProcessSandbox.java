package dev.shipyard.activities.analysis;

import dev.shipyard.activities.sandbox.Sandbox;
import dev.shipyard.activities.sandbox.SandboxCommand;
import dev.shipyard.activities.sandbox.SandboxResult;
import dev.shipyard.activities.sandbox.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Test only: a plain child process in the workspace (no isolation), standing in for the real
 * sandbox (LocalSandbox, another branch) so the analyzers' tests run real tools. Honours the wall
 * time, the environment, the log and the ticker.
 */
final class ProcessSandbox implements Sandbox {

  @Override
  public SandboxResult run(SandboxCommand command, Ticker ticker) {
    Instant started = Instant.now();
    ProcessBuilder builder =
        new ProcessBuilder(command.argv())
            .directory(command.workspace().toFile())
            .redirectErrorStream(true)
            .redirectOutput(command.log().toFile());
    builder.environment().clear();
    builder.environment().putAll(command.environment());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new SandboxResult(
          SandboxResult.Outcome.NOT_FOUND, -1, command.log(), 0, Duration.ZERO);
    }
    try {
      Instant deadline = started.plus(command.limits().wallTime());
      while (!process.waitFor(1, TimeUnit.SECONDS)) {
        ticker.tick("running " + command.argv().get(0));
        if (Instant.now().isAfter(deadline)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor();
          return new SandboxResult(
              SandboxResult.Outcome.TIMED_OUT,
              -1,
              command.log(),
              size(command),
              Duration.between(started, Instant.now()));
        }
      }
      return new SandboxResult(
          SandboxResult.Outcome.EXITED,
          process.exitValue(),
          command.log(),
          size(command),
          Duration.between(started, Instant.now()));
    } catch (InterruptedException | RuntimeException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      throw (RuntimeException) e;
    }
  }

  private static long size(SandboxCommand command) {
    try {
      return Files.size(command.log());
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public String name() {
    return "process (test)";
  }
}
