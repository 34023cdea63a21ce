package dev.shipyard.activities.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ESLint 9 (npm {@code eslint@9}, installed apart, found at {@code ANALYSIS_ESLINT}) on JavaScript
 * files with Shipyard's flat config ({@code analysis/shipyard-eslint.config.mjs}: {@code
 * js.configs.recommended}, node and browser globals, {@code no-unused-vars} as an error), run by a
 * small node script through ESLint's API with the project as its {@code cwd}, its JSON results
 * parsed. Code smells, except {@code no-eval}/{@code no-implied-eval} (security).
 */
final class EslintAnalyzer implements Analyzer {

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public String name() {
    return "eslint";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.QUALITY);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return project.javascript();
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    if (settings.eslint() == null) {
      return Optional.of("ESLint is not configured (ANALYSIS_ESLINT)");
    }
    if (eslintPackage(settings).isEmpty()) {
      return Optional.of("ESLint is not installed at " + settings.eslint());
    }
    if (settings.which("node").isEmpty()) {
      return Optional.of("node is not installed (not on PATH)");
    }
    return Optional.empty();
  }

  /** The eslint package directory: {@code ANALYSIS_ESLINT} is its bin link or the package. */
  static Optional<Path> eslintPackage(AnalysisSettings settings) {
    try {
      Path given = settings.eslint().toRealPath();
      for (Path p = given; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("package.json"))
            && p.getFileName() != null
            && p.getFileName().toString().equals("eslint")) {
          return Optional.of(p);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    Path pkg = eslintPackage(context.settings()).orElseThrow();
    Path modules = pkg.getParent(); // node_modules
    Path config = context.scratch().resolve("shipyard-eslint.config.mjs");
    Path script = context.scratch().resolve("shipyard-eslint-run.mjs");
    Path report = context.scratch().resolve("eslint.json");
    try {
      String template = resource("/analysis/shipyard-eslint.config.mjs");
      Path globals = modules.resolve("globals/index.js");
      Files.writeString(
          config,
          template
              .replace("@ESLINT_JS@", modules.resolve("@eslint/js/src/index.js").toUri().toString())
              .replace(
                  "@GLOBALS@",
                  Files.exists(globals)
                      ? globals.toUri().toString()
                      : "data:text/javascript,export default {}"),
          StandardCharsets.UTF_8);
      Files.writeString(
          script, resource("/analysis/shipyard-eslint-run.mjs"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AnalyzerContext.Run run =
        context.run(
            name(),
            List.of(
                context.settings().which("node").orElseThrow().toString(),
                script.toString(),
                pkg.resolve("lib/api.js").toUri().toString(),
                context.root().toString(),
                config.toString(),
                report.toString()));
    String text = context.read(report);
    if (text.isBlank()) {
      throw new AnalyzerFailedException("ESLint wrote no report: " + Tools.tail(run.output()));
    }
    List<Finding> findings = new ArrayList<>();
    try {
      for (JsonNode file : json.readTree(text)) {
        String path = context.relative(file.path("filePath").asText());
        for (JsonNode m : file.path("messages")) {
          String rule = m.path("ruleId").isNull() ? "parse-error" : m.path("ruleId").asText();
          boolean security = rule.equals("no-eval") || rule.equals("no-implied-eval");
          findings.add(
              new Finding(
                  name(),
                  rule,
                  security ? AnalysisType.SECURITY : AnalysisType.QUALITY,
                  m.path("severity").asInt() >= 2 ? "medium" : "low",
                  path,
                  m.path("line").asInt(0),
                  m.path("message").asText(),
                  rule.equals("no-unused-vars")
                      ? "Remove unused variables"
                      : "Fix ESLint " + rule));
        }
      }
    } catch (IOException e) {
      throw new AnalyzerFailedException("ESLint's report is not JSON: " + e.getMessage());
    }
    return findings;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = EslintAnalyzer.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
