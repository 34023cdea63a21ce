package dev.shipyard.activities.validation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external tool without a shell: output (stdout and stderr together) goes to a file and is
 * read afterwards, the process and its children are killed when the time limit passes, and a
 * missing executable is reported as such rather than as a failure.
 */
final class ProcessRunner {

  /** The variables a sandboxed run keeps from the worker's environment; nothing else leaks. */
  private static final List<String> KEPT_VARIABLES = List.of("PATH", "LANG", "LC_ALL", "TZ");

  enum Outcome {
    EXITED,
    TIMED_OUT,
    NOT_FOUND,
    INTERRUPTED
  }

  record Result(Outcome outcome, int exitCode, String output) {

    boolean succeeded() {
      return outcome == Outcome.EXITED && exitCode == 0;
    }
  }

  private final Duration timeout;

  ProcessRunner(Duration timeout) {
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code command} in {@code directory}, writing its output to a fresh file in {@code
   * scratch}. With {@code sandboxEnvironment}, the environment is reduced to {@link
   * #KEPT_VARIABLES} plus {@code extraEnvironment} (credentials of the worker never reach generated
   * code); otherwise it is inherited.
   */
  Result run(
      List<String> command,
      Path directory,
      Path scratch,
      boolean sandboxEnvironment,
      Map<String, String> extraEnvironment) {
    Path log;
    try {
      Files.createDirectories(scratch);
      log = Files.createTempFile(scratch, "process-", ".log");
    } catch (IOException e) {
      throw new IllegalStateException("Cannot create a log file in " + scratch, e);
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
            .redirectOutput(log.toFile());
    if (sandboxEnvironment) {
      Map<String, String> environment = builder.environment();
      environment.keySet().retainAll(KEPT_VARIABLES);
    }
    builder.environment().putAll(extraEnvironment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result(Outcome.NOT_FOUND, -1, command.get(0) + ": " + e.getMessage());
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        return new Result(
            Outcome.TIMED_OUT,
            -1,
            "Timed out after " + timeout.toSeconds() + " s and was killed\n" + read(log));
      }
      return new Result(Outcome.EXITED, process.exitValue(), read(log));
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      return new Result(Outcome.INTERRUPTED, -1, "Interrupted, process killed");
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path log) {
    try {
      byte[] bytes = Files.readAllBytes(log);
      int limit = Math.min(bytes.length, 256 * 1024);
      return new String(bytes, 0, limit, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
