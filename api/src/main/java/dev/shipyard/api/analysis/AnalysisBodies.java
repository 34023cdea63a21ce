package dev.shipyard.api.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;

/** The request and response bodies of the code analysis API (builds-analysis-api.md). */
final class AnalysisBodies {

  private AnalysisBodies() {}

  /**
   * {@code POST /api/analysis/}. Beyond the document: {@code capsule_id} (with an optional {@code
   * version_id}) selects any capsule the caller can read; without it, the caller's latest stored
   * capsule named {@code project_name} is analysed. Unknown fields are refused (400).
   */
  @Schema(name = "AnalysisRequest")
  record Create(
      @JsonProperty("project_name")
          @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
              description = "letters, digits, '.', '_' and '-' (no path or shell characters)")
          String projectName,
      @JsonProperty("analysis_types")
          @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "one or more of quality, security, types")
          List<String> analysisTypes,
      @JsonProperty("capsule_id") @Schema(nullable = true) String capsuleId,
      @JsonProperty("version_id")
          @Schema(nullable = true, description = "a version of capsule_id, e.g. v1")
          String versionId) {}

  /** One security issue: the document's fields plus where and who found it. */
  @Schema(name = "AnalysisSecurityIssue")
  record SecurityIssue(
      String issue,
      @Schema(allowableValues = {"low", "medium", "high", "critical"}) String severity,
      String file,
      int line,
      String recommendation,
      String rule,
      String analyzer) {}

  /** One finding of one analyzer. */
  @Schema(name = "AnalysisFinding")
  record Finding(
      String analyzer,
      String rule,
      @Schema(allowableValues = {"quality", "security", "types"}) String type,
      String severity,
      String file,
      int line,
      String message,
      String recommendation) {}

  /** An analyzer that could not run, and why. */
  @Schema(name = "MissingAnalyzer")
  record MissingAnalyzer(String analyzer, String reason) {}

  /**
   * builds-analysis-api.md's analysis result. Documented additions: {@code status}, {@code
   * capsule_id}, {@code version_id}, {@code analysis_types}, {@code findings} (at most 500; the
   * full list in the report blob), {@code findings_total}, {@code analyzers_run}, {@code
   * analyzers_missing}, {@code lines_of_code}, {@code error}. The result fields are null until the
   * analysis has completed.
   */
  @Schema(name = "AnalysisResult")
  record Result(
      @JsonProperty("analysis_id") String analysisId,
      @JsonProperty("project_name") String projectName,
      OffsetDateTime timestamp,
      @JsonProperty("performed_by") String performedBy,
      @Schema(allowableValues = {"initializing", "running", "completed", "failed", "cancelled"})
          String status,
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("version_id") @Schema(nullable = true) String versionId,
      @JsonProperty("analysis_types") List<String> analysisTypes,
      @JsonProperty("quality_score") @Schema(nullable = true) Double qualityScore,
      @JsonProperty("security_issues") @Schema(nullable = true) List<SecurityIssue> securityIssues,
      @JsonProperty("code_smells") @Schema(nullable = true) Integer codeSmells,
      @JsonProperty("type_errors") @Schema(nullable = true) Integer typeErrors,
      @JsonProperty("coverage_percent")
          @Schema(nullable = true, description = "null when no coverage tool ran (never invented)")
          Double coveragePercent,
      @Schema(nullable = true) List<String> recommendations,
      @Schema(nullable = true) List<Finding> findings,
      @JsonProperty("findings_total") @Schema(nullable = true) Integer findingsTotal,
      @JsonProperty("analyzers_run") @Schema(nullable = true) List<String> analyzersRun,
      @JsonProperty("analyzers_missing") @Schema(nullable = true)
          List<MissingAnalyzer> analyzersMissing,
      @JsonProperty("lines_of_code") @Schema(nullable = true) Integer linesOfCode,
      @Schema(nullable = true, description = "why it failed or was cancelled") String error) {}

  /** What the worker wrote into {@code analyses.results} (unknown fields ignored). */
  record Stored(
      @JsonProperty("quality_score") Double qualityScore,
      @JsonProperty("security_issues") List<SecurityIssue> securityIssues,
      @JsonProperty("code_smells") Integer codeSmells,
      @JsonProperty("type_errors") Integer typeErrors,
      @JsonProperty("coverage_percent") Double coveragePercent,
      List<String> recommendations,
      List<Finding> findings,
      @JsonProperty("findings_total") Integer findingsTotal,
      @JsonProperty("analyzers_run") List<String> analyzersRun,
      @JsonProperty("analyzers_missing") List<MissingAnalyzer> analyzersMissing,
      @JsonProperty("lines_of_code") Integer linesOfCode) {}
}
