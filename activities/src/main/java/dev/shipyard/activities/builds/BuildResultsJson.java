package dev.shipyard.activities.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.builds.BuildResults;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code builds.results} as stored: the snake_case fields of builds-analysis-api.md. */
final class BuildResultsJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BuildResultsJson() {}

  static Map<String, Object> toMap(BuildResults r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("capsule_id", r.capsuleId());
    m.put("version_id", r.versionId());
    m.put("generated_files", r.generatedFiles());
    m.put("tests_passed", r.testsPassed());
    m.put("tests_failed", r.testsFailed());
    m.put("test_coverage", r.testCoverage());
    m.put("stack", r.stack());
    m.put("steps", r.steps());
    m.put("dependency_note", r.dependencyNote());
    m.put("log_key", r.logKey());
    m.put("test_names", r.testNames());
    return m;
  }

  static String write(BuildResults r) {
    try {
      return JSON.writeValueAsString(toMap(r));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
