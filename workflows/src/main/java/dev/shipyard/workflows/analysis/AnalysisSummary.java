package dev.shipyard.workflows.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an analysis found, bounded (the findings are in {@code analyses.results} and the report
 * blob).
 *
 * @param qualityScore 0 to 10
 * @param securityIssues number of security issues
 * @param codeSmells number of code smells
 * @param typeErrors number of type errors
 * @param findingsTotal every finding
 * @param analyzersRun the analyzers that ran
 * @param analyzersMissing the analyzers that could not run (names only)
 * @param reportKey object key of the full report
 */
public record AnalysisSummary(
    double qualityScore,
    int securityIssues,
    int codeSmells,
    int typeErrors,
    int findingsTotal,
    List<String> analyzersRun,
    List<String> analyzersMissing,
    String reportKey) {

  public AnalysisSummary {
    analyzersRun = List.copyOf(analyzersRun);
    analyzersMissing = List.copyOf(analyzersMissing);
  }

  /** The summary as a completion event's {@code results}. */
  public Map<String, Object> asEventData() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("quality_score", qualityScore);
    data.put("security_issues", securityIssues);
    data.put("code_smells", codeSmells);
    data.put("type_errors", typeErrors);
    data.put("findings_total", findingsTotal);
    data.put("analyzers_run", analyzersRun);
    data.put("analyzers_missing", analyzersMissing);
    return data;
  }

  /** One line for the Web UI and the run's details. */
  public String line() {
    return "Score "
        + qualityScore
        + ": "
        + securityIssues
        + " security issue(s), "
        + codeSmells
        + " code smell(s), "
        + typeErrors
        + " type error(s)"
        + (analyzersMissing.isEmpty() ? "" : "; missing " + analyzersMissing);
  }
}
