package dev.shipyard.activities.analysis;

/**
 * One finding of one analyzer.
 *
 * @param analyzer the analyzer that found it, e.g. {@code pmd}, {@code javac}, {@code bandit},
 *     {@code pylint}, {@code mypy}, {@code eslint}, {@code secret-scanner}
 * @param rule the analyzer's rule ID, e.g. {@code B608}, {@code W0612}, {@code UnusedLocalVariable}
 * @param type which analysis it belongs to (security issue, code smell, type error)
 * @param severity {@code low}, {@code medium}, {@code high} or {@code critical}
 * @param file path relative to the project root
 * @param line 1-based line, 0 when the analyzer gives none
 * @param message what is wrong (a secret's value never appears in it)
 * @param recommendation what to do about it
 */
public record Finding(
    String analyzer,
    String rule,
    AnalysisType type,
    String severity,
    String file,
    int line,
    String message,
    String recommendation) {}
