package dev.shipyard.activities.validation;

import dev.shipyard.workflows.capsules.CheckResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code tests.run} check's shared parts: the sandboxed environment (a throw-away home and temp
 * directory, none of the worker's variables but PATH and locale) and the verdict from a runner's
 * exit.
 */
final class TestRuns {

  static final String ID = "tests.run";
  static final double WEIGHT = 3;

  private TestRuns() {}

  static Map<String, String> environment(Workspace workspace) {
    Path home = workspace.scratch().resolve("home");
    Path tmp = workspace.scratch().resolve("tmp");
    try {
      Files.createDirectories(home);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "HOME", home.toString(),
        "TMPDIR", tmp.toString(),
        "CI", "true",
        "NODE_ENV", "test",
        "PYTHONDONTWRITEBYTECODE", "1",
        "PYTHONHASHSEED", "0");
  }

  /** Passed on exit 0; otherwise failed (non-blocking) with the summary line, then the output. */
  static CheckResult verdict(Workspace workspace, ProcessRunner.Result result, String runner) {
    String output = workspace.relativize(result.output()).strip();
    if (result.succeeded()) {
      return Checks.passed(ID, "tests", null, false, WEIGHT, runner + ": " + lastLine(output));
    }
    if (result.outcome() == ProcessRunner.Outcome.INTERRUPTED) {
      return Checks.notRun(ID, "tests", null, false, WEIGHT, output, null);
    }
    String summary =
        switch (result.outcome()) {
          case TIMED_OUT -> "the tests did not finish within the time limit";
          case NOT_FOUND -> runner + " not found";
          default -> "exit code " + result.exitCode() + ": " + lastLine(output);
        };
    return Checks.failed(
        ID,
        "tests",
        null,
        false,
        WEIGHT,
        runner + " failed (" + summary + ")\n" + output,
        "Make the generated tests pass (" + runner + " reported failures)");
  }

  private static String lastLine(String output) {
    String[] lines = output.split("\\R");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return lines[i].strip();
      }
    }
    return "";
  }
}
