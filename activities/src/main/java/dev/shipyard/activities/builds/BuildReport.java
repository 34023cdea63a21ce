package dev.shipyard.activities.builds;

import java.nio.file.Path;
import java.util.List;

/**
 * What a build of a project found, all of it read from the tools (never invented).
 *
 * @param stack the detected stack: {@code java-maven}, {@code node}, {@code python}, or {@code
 *     unknown}
 * @param steps every command run, in order
 * @param testsPassed tests the test runner's report counts as passed
 * @param testsFailed tests failed or in error
 * @param testNames names of the tests that ran (at most 200), e.g. {@code test_create_user}
 * @param testCoverage line coverage in percent from the stack's coverage tool; null when the stack
 *     has none or it did not run
 * @param dependenciesInstalled whether the dependency step succeeded
 * @param dependencyNote why dependencies could not be installed (null when they were)
 * @param log the file holding the output of every step, in order
 */
public record BuildReport(
    String stack,
    List<Step> steps,
    int testsPassed,
    int testsFailed,
    List<String> testNames,
    Double testCoverage,
    boolean dependenciesInstalled,
    String dependencyNote,
    Path log) {

  public BuildReport {
    steps = List.copyOf(steps);
    testNames = List.copyOf(testNames);
  }

  /** Whether every step succeeded and no test failed. */
  public boolean succeeded() {
    return testsFailed == 0 && steps.stream().allMatch(Step::succeeded);
  }

  /**
   * One command of a build.
   *
   * @param name e.g. {@code Installing dependencies}, {@code Running tests}
   * @param tool the program run, e.g. {@code mvn}, {@code npm}, {@code python3}
   * @param succeeded whether it exited 0
   * @param outcome {@code exited}, {@code timed_out} or {@code not_found} (the tool is missing)
   * @param exitCode the exit code, -1 when it did not exit
   * @param durationMillis its wall time
   */
  public record Step(
      String name,
      String tool,
      boolean succeeded,
      String outcome,
      int exitCode,
      long durationMillis) {}
}
