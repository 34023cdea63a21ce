package dev.shipyard.activities.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results of an analysis as builds-analysis-api.md shows them (plus the documented additions),
 * computed from the findings alone, so the same findings always give the same report.
 *
 * <p>Quality score: {@code 10 - 100 * W / max(lines_of_code, 100)}, clamped to 0..10 and rounded to
 * one decimal, where W weighs each finding of the asked analyses: a security issue 3 (critical), 2
 * (high), 1 (medium), 0.5 (low); a type error 1; a code smell 0.25. So W is "weighted findings per
 * 100 lines", counting at least 100 lines.
 *
 * @param qualityScore 0 to 10, higher is better
 * @param securityIssues every security finding (bounded: see {@link #MAX_INLINE})
 * @param codeSmells quality findings count
 * @param typeErrors type findings count
 * @param coveragePercent from the build's coverage tool; null when none ran (never invented)
 * @param recommendations the most frequent rules' advice (at most 5) and missing analyzers
 * @param findings the findings (at most {@link #MAX_INLINE}; the full list is in the report blob)
 * @param findingsTotal every finding
 * @param analyzersRun analyzers that ran
 * @param analyzersMissing analyzers that could not run, with why
 * @param linesOfCode non-blank source lines
 * @param reportKey object key of the full report ({@code analyses/<id>/report.json}), may be null
 */
public record AnalysisReport(
    @JsonProperty("quality_score") double qualityScore,
    @JsonProperty("security_issues") List<SecurityIssue> securityIssues,
    @JsonProperty("code_smells") int codeSmells,
    @JsonProperty("type_errors") int typeErrors,
    @JsonProperty("coverage_percent") Double coveragePercent,
    @JsonProperty("recommendations") List<String> recommendations,
    @JsonProperty("findings") List<Finding> findings,
    @JsonProperty("findings_total") int findingsTotal,
    @JsonProperty("analyzers_run") List<String> analyzersRun,
    @JsonProperty("analyzers_missing") List<AnalysisFindings.MissingAnalyzer> analyzersMissing,
    @JsonProperty("lines_of_code") int linesOfCode,
    @JsonProperty("report_key") String reportKey) {

  /** The most findings (and security issues) a report carries inline. */
  public static final int MAX_INLINE = 500;

  /**
   * One security issue: the spec's fields plus where and who found it.
   *
   * @param issue what it is
   * @param severity low, medium, high or critical
   */
  public record SecurityIssue(
      @JsonProperty("issue") String issue,
      @JsonProperty("severity") String severity,
      @JsonProperty("file") String file,
      @JsonProperty("line") int line,
      @JsonProperty("recommendation") String recommendation,
      @JsonProperty("rule") String rule,
      @JsonProperty("analyzer") String analyzer) {}

  /** The report of {@code found}, for the analyses {@code types}, with the given report key. */
  public static AnalysisReport of(
      AnalysisFindings found, Set<AnalysisType> types, String reportKey, boolean full) {
    List<Finding> counted =
        found.findings().stream().filter(f -> types.isEmpty() || types.contains(f.type())).toList();
    double weight = 0;
    int smells = 0;
    int typeErrors = 0;
    List<SecurityIssue> security = new ArrayList<>();
    for (Finding f : counted) {
      switch (f.type()) {
        case SECURITY -> {
          weight +=
              switch (f.severity()) {
                case "critical" -> 3;
                case "high" -> 2;
                case "medium" -> 1;
                default -> 0.5;
              };
          security.add(
              new SecurityIssue(
                  f.message(),
                  f.severity(),
                  f.file(),
                  f.line(),
                  f.recommendation(),
                  f.rule(),
                  f.analyzer()));
        }
        case TYPES -> {
          weight += 1;
          typeErrors++;
        }
        case QUALITY -> {
          weight += 0.25;
          smells++;
        }
      }
    }
    double score = 10 - 100 * weight / Math.max(found.linesOfCode(), 100);
    score = Math.round(Math.max(0, Math.min(10, score)) * 10) / 10.0;
    int limit = full ? Integer.MAX_VALUE : MAX_INLINE;
    return new AnalysisReport(
        score,
        List.copyOf(security.subList(0, Math.min(limit, security.size()))),
        smells,
        typeErrors,
        found.coveragePercent(),
        recommendations(counted, found.analyzersMissing()),
        List.copyOf(counted.subList(0, Math.min(limit, counted.size()))),
        counted.size(),
        found.analyzersRun(),
        found.analyzersMissing(),
        found.linesOfCode(),
        reportKey);
  }

  /** Advice of the five most frequent rules (ties: by rule), then missing analyzers. */
  static List<String> recommendations(
      List<Finding> findings, List<AnalysisFindings.MissingAnalyzer> missing) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<String, Finding> first = new LinkedHashMap<>();
    for (Finding f : findings) {
      String key = f.analyzer() + " " + f.rule();
      counts.merge(key, 1, Integer::sum);
      first.putIfAbsent(key, f);
    }
    List<String> out = new ArrayList<>();
    counts.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .limit(5)
        .forEach(
            e ->
                out.add(
                    first.get(e.getKey()).recommendation()
                        + " ("
                        + e.getKey()
                        + ", "
                        + e.getValue()
                        + (e.getValue() == 1 ? " finding)" : " findings)")));
    for (AnalysisFindings.MissingAnalyzer m : missing) {
      out.add("Install or fix " + m.analyzer() + " to complete the analysis: " + m.reason());
    }
    return List.copyOf(out);
  }
}
