package dev.shipyard.activities.analysis;

import java.util.List;

/**
 * What an analysis found.
 *
 * @param findings every finding, in file and line order
 * @param analyzersRun the analyzers that ran, e.g. {@code [pmd, javac, secret-scanner]}
 * @param analyzersMissing analyzers the project needed that are not installed, with why
 * @param coveragePercent line coverage from the stack's coverage tool, null when none ran
 * @param linesOfCode non-blank source lines analysed
 */
public record AnalysisFindings(
    List<Finding> findings,
    List<String> analyzersRun,
    List<MissingAnalyzer> analyzersMissing,
    Double coveragePercent,
    int linesOfCode) {

  public AnalysisFindings {
    findings = List.copyOf(findings);
    analyzersRun = List.copyOf(analyzersRun);
    analyzersMissing = List.copyOf(analyzersMissing);
  }

  /** An analyzer that could not run: its name and why (e.g. {@code mypy: not installed}). */
  public record MissingAnalyzer(String analyzer, String reason) {}
}
