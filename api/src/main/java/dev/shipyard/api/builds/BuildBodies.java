package dev.shipyard.api.builds;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** The request and response bodies of the build API (builds-analysis-api.md). */
final class BuildBodies {

  private BuildBodies() {}

  /** {@code POST /api/build/}: unknown fields are refused (400). */
  @Schema(name = "BuildRequest")
  record Create(
      @JsonProperty("project_name")
          @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              pattern = BuildsController.PROJECT_NAME,
              maxLength = 100,
              description =
                  "letters, digits, '.', '_', '-'; starts with a letter or digit; no '..'")
          String projectName,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              maxLength = BuildsController.MAX_GOAL,
              description = "what to build or change")
          String goal,
      @Schema(
              description =
                  "at most 20 entries; values are strings, numbers or booleans (at most 200"
                      + " characters): framework (fastapi, express, spring-boot, ...), database,"
                      + " language, entities")
          Map<String, Object> parameters) {}

  @Schema(name = "BuildCreated")
  record Created(@JsonProperty("task_id") String taskId, String status, String message) {}

  @Schema(name = "Build")
  record Build(
      @JsonProperty("task_id") String taskId,
      @JsonProperty("project_name") String projectName,
      @Schema(allowableValues = {"initializing", "running", "completed", "failed", "cancelled"})
          String status,
      int progress,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("created_by") String createdBy,
      String goal,
      @Schema(nullable = true, description = "null until the build step wrote them")
          Results results,
      @Schema(nullable = true, description = "why it failed or was cancelled") String error) {}

  /** {@code results}: read from the tools, never invented. */
  @Schema(name = "BuildResults")
  record Results(
      @JsonProperty("capsule_id") @Schema(nullable = true) String capsuleId,
      @JsonProperty("version_id")
          @Schema(nullable = true, description = "the capsule's version key")
          String versionId,
      @JsonProperty("generated_files") List<String> generatedFiles,
      @JsonProperty("tests_passed")
          @Schema(nullable = true, description = "from the test runner's report; null if none ran")
          Integer testsPassed,
      @JsonProperty("tests_failed") @Schema(nullable = true) Integer testsFailed,
      @JsonProperty("test_coverage")
          @Schema(nullable = true, description = "line coverage %, null when not measured")
          Double testCoverage,
      @Schema(nullable = true) String stack,
      List<String> steps,
      @JsonProperty("dependency_note") @Schema(nullable = true) String dependencyNote,
      @JsonProperty("log_key") @Schema(nullable = true) String logKey,
      @JsonProperty("test_names") List<String> testNames) {}

  @Schema(name = "BuildPage")
  record Page(long total, int limit, long offset, List<Build> builds) {}
}
