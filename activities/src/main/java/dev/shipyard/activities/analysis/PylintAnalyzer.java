package dev.shipyard.activities.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * pylint ({@code --output-format=json}): Python code smells (every message but fatal ones). Its
 * docstring and naming conventions ({@code C0114}-{@code C0116}, {@code C0103}) are left out:
 * generated projects are not judged by them.
 */
final class PylintAnalyzer implements Analyzer {

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public String name() {
    return "pylint";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.QUALITY);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return project.python();
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    return settings.which("pylint").isPresent()
        ? Optional.empty()
        : Optional.of("pylint is not installed (not on PATH)");
  }

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    Path report = context.scratch().resolve("pylint.json");
    AnalyzerContext.Run run =
        context.run(
            name(),
            List.of(
                context.settings().which("pylint").orElseThrow().toString(),
                "--recursive=y",
                "--persistent=n",
                "--score=n",
                "--disable=C0114,C0115,C0116,C0103,E0401",
                "--output-format=json:" + report,
                context.root().toString()));
    String text = context.read(report);
    if (text.isBlank()) {
      throw new AnalyzerFailedException("pylint wrote no report: " + Tools.tail(run.output()));
    }
    List<Finding> findings = new ArrayList<>();
    try {
      for (JsonNode m : json.readTree(text)) {
        String type = m.path("type").asText();
        String severity =
            switch (type) {
              case "error", "fatal" -> "high";
              case "warning" -> "medium";
              default -> "low";
            };
        findings.add(
            new Finding(
                name(),
                m.path("message-id").asText(),
                AnalysisType.QUALITY,
                severity,
                context.relative(m.path("path").asText()),
                m.path("line").asInt(0),
                m.path("message").asText() + " (" + m.path("symbol").asText() + ")",
                recommendation(m.path("symbol").asText())));
      }
    } catch (IOException e) {
      throw new AnalyzerFailedException("pylint's report is not JSON: " + e.getMessage());
    }
    return findings;
  }

  private static String recommendation(String symbol) {
    return switch (symbol) {
      case "unused-variable" -> "Remove unused variables";
      case "unused-import" -> "Remove unused imports";
      case "too-many-branches", "too-many-statements", "too-many-locals" ->
          "Extract complex functions into smaller ones";
      case "broad-except", "broad-exception-caught" -> "Catch specific exceptions";
      default -> "Fix pylint " + symbol;
    };
  }
}
