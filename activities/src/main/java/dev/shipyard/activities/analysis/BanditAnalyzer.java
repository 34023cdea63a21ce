package dev.shipyard.activities.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * bandit ({@code -f json}): Python security issues. Note: Debian 12's bandit 1.6.2 on Python 3.8+
 * misses its string-literal checks (B105-B107 hard-coded passwords, B608 SQL built from strings),
 * because it looks for AST {@code Str} nodes that Python 3.8 replaced; the secret scanner and the
 * {@code shipyard-sql} rule cover those two (README "Analyses").
 */
final class BanditAnalyzer implements Analyzer {

  private static final Map<String, String> RECOMMENDATIONS =
      Map.of(
          "B608", "Use parameterized queries instead of building SQL from strings",
          "B105", "Read the secret from the environment or a secret store",
          "B106", "Read the secret from the environment or a secret store",
          "B602", "Pass the command as a list without shell=True",
          "B303", "Use a strong hash such as SHA-256",
          "B324", "Use a strong hash such as SHA-256");

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public String name() {
    return "bandit";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.SECURITY);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return project.python();
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    return settings.which("bandit").isPresent()
        ? Optional.empty()
        : Optional.of("bandit is not installed (not on PATH)");
  }

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    Path report = context.scratch().resolve("bandit.json");
    AnalyzerContext.Run run =
        context.run(
            name(),
            List.of(
                context.settings().which("bandit").orElseThrow().toString(),
                "-r",
                context.root().toString(),
                "-f",
                "json",
                "-o",
                report.toString(),
                "-q"));
    String text = context.read(report);
    if (text.isBlank()) {
      throw new AnalyzerFailedException("bandit wrote no report: " + Tools.tail(run.output()));
    }
    List<Finding> findings = new ArrayList<>();
    try {
      for (JsonNode r : json.readTree(text).path("results")) {
        String rule = r.path("test_id").asText();
        findings.add(
            new Finding(
                name(),
                rule,
                AnalysisType.SECURITY,
                r.path("issue_severity").asText("medium").toLowerCase(Locale.ROOT),
                context.relative(r.path("filename").asText()),
                r.path("line_number").asInt(0),
                r.path("issue_text").asText(),
                RECOMMENDATIONS.getOrDefault(
                    rule, "See " + r.path("more_info").asText("the bandit documentation"))));
      }
    } catch (IOException e) {
      throw new AnalyzerFailedException("bandit's report is not JSON: " + e.getMessage());
    }
    return findings;
  }
}
