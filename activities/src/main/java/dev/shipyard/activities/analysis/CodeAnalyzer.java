package dev.shipyard.activities.analysis;

import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.Ticker;
import java.nio.file.Path;
import java.util.Set;

/**
 * Analyses a project with real analyzers run in the configured {@code Sandbox} (PMD and javac for
 * Java, bandit, pylint and mypy for Python, ESLint for JavaScript, plus the rule-based secret
 * scanner). An analyzer that is absent is named in {@link AnalysisFindings#analyzersMissing()},
 * never silently skipped.
 */
public interface CodeAnalyzer {

  AnalysisFindings analyze(
      Path workspace, Set<AnalysisType> types, StepProgress progress, Ticker ticker);
}
