package dev.shipyard.activities.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisReportTest {

  private static Finding finding(AnalysisType type, String severity, String rule, int line) {
    return new Finding("x", rule, type, severity, "a.py", line, "m", "do " + rule);
  }

  @Test
  void scoreFollowsTheReadmeFormula() {
    List<Finding> findings =
        List.of(
            finding(AnalysisType.SECURITY, "high", "S1", 1), // 2
            finding(AnalysisType.SECURITY, "medium", "S2", 2), // 1
            finding(AnalysisType.TYPES, "medium", "T1", 3), // 1
            finding(AnalysisType.QUALITY, "low", "Q1", 4), // 0.25
            finding(AnalysisType.QUALITY, "low", "Q1", 5)); // 0.25
    AnalysisFindings found = new AnalysisFindings(findings, List.of("x"), List.of(), null, 200);

    AnalysisReport report = AnalysisReport.of(found, EnumSet.allOf(AnalysisType.class), "k", false);

    // W = 4.5; 10 - 100 * 4.5 / 200 = 7.75 -> 7.8
    assertThat(report.qualityScore()).isEqualTo(7.8);
    assertThat(report.codeSmells()).isEqualTo(2);
    assertThat(report.typeErrors()).isEqualTo(1);
    assertThat(report.securityIssues()).hasSize(2);
    assertThat(report.coveragePercent()).isNull();
    assertThat(report.recommendations().get(0)).isEqualTo("do Q1 (x Q1, 2 findings)");
    // fewer than 100 lines count as 100; the score is clamped at 0
    AnalysisFindings small = new AnalysisFindings(findings, List.of("x"), List.of(), null, 10);
    assertThat(
            AnalysisReport.of(small, EnumSet.allOf(AnalysisType.class), null, false).qualityScore())
        .isEqualTo(5.5);
    // only the asked analyses count
    assertThat(
            AnalysisReport.of(found, EnumSet.of(AnalysisType.QUALITY), null, false).qualityScore())
        .isEqualTo(9.8);
  }

  @Test
  void findingsAreBoundedInlineButCounted() {
    List<Finding> many = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      many.add(finding(AnalysisType.SECURITY, "low", "S", i + 1));
    }
    AnalysisFindings found = new AnalysisFindings(many, List.of("x"), List.of(), null, 100_000);

    AnalysisReport inline = AnalysisReport.of(found, EnumSet.allOf(AnalysisType.class), "k", false);
    AnalysisReport full = AnalysisReport.of(found, EnumSet.allOf(AnalysisType.class), "k", true);

    assertThat(inline.findings()).hasSize(AnalysisReport.MAX_INLINE);
    assertThat(inline.securityIssues()).hasSize(AnalysisReport.MAX_INLINE);
    assertThat(inline.findingsTotal()).isEqualTo(1200);
    assertThat(full.findings()).hasSize(1200);
  }
}
