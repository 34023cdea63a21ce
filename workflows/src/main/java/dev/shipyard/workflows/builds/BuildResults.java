package dev.shipyard.workflows.builds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of a build ({@code results} of builds-analysis-api.md), as written to {@code
 * builds.results}: bounded, read from the tools, never invented.
 *
 * @param capsuleId the capsule built
 * @param versionId the capsule version built (its version key until capsule versions exist)
 * @param generatedFiles files generated or changed by the build (at most {@link #MAX_FILES})
 * @param testsPassed tests passed by the test runner's report; null when tests did not run
 * @param testsFailed tests failed or in error; null when tests did not run
 * @param testCoverage line coverage in percent from the stack's coverage tool, null when absent
 * @param stack the detected build stack ({@code python}, {@code java-maven}, {@code node})
 * @param steps the commands run: {@code name: outcome (tool, exit code, ms)}
 * @param dependencyNote why dependencies could not be installed, null when they were
 * @param logKey the object key of the build log blob
 * @param testNames names of the tests that ran (at most {@link #MAX_TESTS})
 */
public record BuildResults(
    String capsuleId,
    String versionId,
    List<String> generatedFiles,
    Integer testsPassed,
    Integer testsFailed,
    Double testCoverage,
    String stack,
    List<String> steps,
    String dependencyNote,
    String logKey,
    List<String> testNames) {

  public static final int MAX_FILES = 50;
  public static final int MAX_TESTS = 50;

  public BuildResults {
    generatedFiles =
        generatedFiles == null
            ? List.of()
            : List.copyOf(generatedFiles.subList(0, Math.min(MAX_FILES, generatedFiles.size())));
    steps = steps == null ? List.of() : List.copyOf(steps);
    testNames =
        testNames == null
            ? List.of()
            : List.copyOf(testNames.subList(0, Math.min(MAX_TESTS, testNames.size())));
  }

  /** What is known before the build step ran: the project only. */
  public static BuildResults partial(PreparedProject project) {
    if (project == null) {
      return new BuildResults(
          null, null, List.of(), null, null, null, null, List.of(), null, null, List.of());
    }
    return new BuildResults(
        project.capsuleId(),
        project.versionId(),
        project.changedFiles(),
        null,
        null,
        null,
        project.stack(),
        List.of(),
        null,
        null,
        List.of());
  }

  /**
   * The results as builds-analysis-api.md names them (snake_case): what {@code builds.results}
   * stores, {@code GET /api/build/{task_id}} shows and the WebSocket's {@code completion} carries.
   */
  public Map<String, Object> toDocument() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("capsule_id", capsuleId);
    m.put("version_id", versionId);
    m.put("generated_files", generatedFiles);
    m.put("tests_passed", testsPassed);
    m.put("tests_failed", testsFailed);
    m.put("test_coverage", testCoverage);
    m.put("stack", stack);
    m.put("steps", steps);
    m.put("dependency_note", dependencyNote);
    m.put("log_key", logKey);
    m.put("test_names", testNames);
    return m;
  }
}
