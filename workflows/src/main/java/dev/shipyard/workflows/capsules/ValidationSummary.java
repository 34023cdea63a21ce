package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * What a workflow carries of a {@link ValidationReport}: bounded, whatever the size of the project.
 * The full report (every check, issue and recommendation) is a blob under {@code reportKey}.
 *
 * @param score 0..1
 * @param passed no failed check
 * @param productionReady score at or above the target and no failed blocking check
 * @param issues the first {@link #MAX_LINES} issues
 * @param issueCount how many issues the full report has
 * @param recommendations the first {@link #MAX_LINES} recommendations
 * @param recommendationCount how many recommendations the full report has
 * @param checkCount how many checks ran (or could not run)
 * @param reportKey object key of the full report (JSON of {@link ValidationReport})
 */
public record ValidationSummary(
    double score,
    boolean passed,
    boolean productionReady,
    List<String> issues,
    int issueCount,
    List<String> recommendations,
    int recommendationCount,
    int checkCount,
    String reportKey) {

  /** The most issues or recommendations a summary carries. */
  public static final int MAX_LINES = 50;

  public static ValidationSummary of(ValidationReport report, String reportKey) {
    return new ValidationSummary(
        report.score(),
        report.passed(),
        report.productionReady(),
        first(report.issues()),
        report.issues().size(),
        first(report.recommendations()),
        report.recommendations().size(),
        report.checks() == null ? 0 : report.checks().size(),
        reportKey);
  }

  /** Whether some issues are only in the full report. */
  public boolean truncated() {
    return issueCount > issues.size() || recommendationCount > recommendations.size();
  }

  static List<String> first(List<String> lines) {
    return lines.size() <= MAX_LINES
        ? List.copyOf(lines)
        : List.copyOf(lines.subList(0, MAX_LINES));
  }
}
