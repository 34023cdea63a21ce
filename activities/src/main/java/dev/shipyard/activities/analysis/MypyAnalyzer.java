package dev.shipyard.activities.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mypy: Python type errors, parsed from its {@code file:line: error: message [code]} lines ({@code
 * --ignore-missing-imports}: a dependency that is not installed is no type error).
 */
final class MypyAnalyzer implements Analyzer {

  private static final Pattern LINE =
      Pattern.compile(
          "^(?<file>[^:\\n]+\\.pyi?):(?<line>\\d+)(?::\\d+)?: error: (?<msg>.*?)(?:\\s+\\[(?<code>[a-z0-9-]+)])?$");

  @Override
  public String name() {
    return "mypy";
  }

  @Override
  public Set<AnalysisType> types() {
    return Set.of(AnalysisType.TYPES);
  }

  @Override
  public boolean appliesTo(ProjectKinds project) {
    return project.python();
  }

  @Override
  public Optional<String> missing(AnalysisSettings settings) {
    return settings.which("mypy").isPresent()
        ? Optional.empty()
        : Optional.of("mypy is not installed (not on PATH)");
  }

  @Override
  public List<Finding> analyze(AnalyzerContext context) {
    AnalyzerContext.Run run =
        context.run(
            name(),
            List.of(
                context.settings().which("mypy").orElseThrow().toString(),
                "--ignore-missing-imports",
                "--show-error-codes",
                "--no-color-output",
                "--no-error-summary",
                "--hide-error-context",
                "--no-pretty",
                "--explicit-package-bases",
                "--namespace-packages",
                "--cache-dir",
                context.scratch().resolve("mypy-cache").toString(),
                context.root().toString()));
    // mypy exits 0 (clean), 1 (errors found) or 2 (it could not run)
    if (run.result().exitCode() != 0 && run.result().exitCode() != 1) {
      throw new AnalyzerFailedException("mypy could not run: " + Tools.tail(run.output()));
    }
    List<Finding> findings = new ArrayList<>();
    for (String line : run.output().split("\\R")) {
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      String code = m.group("code") == null ? "error" : m.group("code");
      findings.add(
          new Finding(
              name(),
              code,
              AnalysisType.TYPES,
              "medium",
              context.relative(m.group("file")),
              Integer.parseInt(m.group("line")),
              m.group("msg"),
              "Fix the type error (mypy " + code + ")"));
    }
    return findings;
  }
}
