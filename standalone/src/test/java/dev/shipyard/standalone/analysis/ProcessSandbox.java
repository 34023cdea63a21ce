package dev.shipyard.standalone.analysis;

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
 * Test only (a copy of activities' test ProcessSandbox): a plain child process in the workspace,
 * standing in for the worker's real sandbox (LocalSandbox, not on main yet) in the e2e test.
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
        ticker.tick("running");
        if (Instant.now().isAfter(deadline)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor();
          return new SandboxResult(
              SandboxResult.Outcome.TIMED_OUT, -1, command.log(), 0, Duration.ZERO);
        }
      }
      long size = Files.size(command.log());
      return new SandboxResult(
          SandboxResult.Outcome.EXITED,
          process.exitValue(),
          command.log(),
          size,
          Duration.between(started, Instant.now()));
    } catch (InterruptedException | IOException | RuntimeException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("sandboxed run stopped", e);
    }
  }

  @Override
  public String name() {
    return "process (test)";
  }
}
