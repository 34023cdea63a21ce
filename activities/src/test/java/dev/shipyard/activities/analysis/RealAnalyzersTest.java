package dev.shipyard.activities.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.LocalSandbox;
import dev.shipyard.activities.sandbox.Ticker;
import dev.shipyard.activities.validation.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real analyzers, in the real LocalSandbox, on planted projects (bandit, pylint and mypy from
 * Debian, PMD 7 in a child JVM, the JDK's javac, ESLint 9 from npm at ANALYSIS_ESLINT or
 * /opt/shipyard-eslint; .ci/run installs them): each plant is found at its file and line, naming
 * the analyzer. A missing tool fails the test rather than skipping it.
 */
class RealAnalyzersTest {

  static final Path ESLINT =
      Path.of(
          System.getenv()
              .getOrDefault("ANALYSIS_ESLINT", "/opt/shipyard-eslint/node_modules/.bin/eslint"));

  /** The worker's real local sandbox (bubblewrap and prlimit, or prlimit only), /opt readable. */
  static final LocalSandbox SANDBOX =
      LocalSandbox.detect(
          LocalSandbox.Settings.defaults().withReadOnlyPaths(List.of(Path.of("/opt"))));

  private static AnalysisFindings analyze(
      List<SourceFile> files, Set<AnalysisType> types, AnalysisSettings settings) {
    try (Workspace workspace = Workspace.create(files)) {
      return new RealAnalyzers(SANDBOX, settings)
          .analyze(workspace.root(), types, StepProgress.NONE, Ticker.NONE);
    }
  }

  private static AnalysisSettings settings() {
    return AnalysisSettings.defaults(ESLINT);
  }

  @Test
  void pythonPlantsAreFoundAtTheirLinesByNamedAnalyzers() {
    List<String> steps = new ArrayList<>();
    AnalysisFindings found;
    try (Workspace workspace = Workspace.create(PlantedProjects.python())) {
      found =
          new RealAnalyzers(SANDBOX, settings())
              .analyze(
                  workspace.root(),
                  EnumSet.allOf(AnalysisType.class),
                  (step, percent, message) -> steps.add(step + " " + percent),
                  Ticker.NONE);
    }

    assertThat(found.analyzersMissing()).isEmpty();
    assertThat(found.analyzersRun())
        .containsExactlyInAnyOrder("secret-scanner", "shipyard-sql", "bandit", "pylint", "mypy");
    assertThat(found.findings())
        .extracting(Finding::analyzer, Finding::rule, Finding::type, Finding::file, Finding::line)
        .contains(
            tuple("secret-scanner", "hard-coded-secret", AnalysisType.SECURITY, "app/db.py", 3),
            tuple("shipyard-sql", "sql-string-building", AnalysisType.SECURITY, "app/db.py", 7),
            tuple("pylint", "W0612", AnalysisType.QUALITY, "app/db.py", 12),
            tuple("mypy", "return-value", AnalysisType.TYPES, "app/db.py", 18));
    // the secret's value appears in no message
    assertThat(found.findings()).noneMatch(f -> f.message().contains("hunter2"));
    assertThat(steps).contains("Running bandit 40", "Analyzers done 100");
    assertThat(found.linesOfCode()).isEqualTo(11);
  }

  @Test
  void onlyTheAskedAnalysesRun() {
    AnalysisFindings found =
        analyze(PlantedProjects.python(), EnumSet.of(AnalysisType.TYPES), settings());

    assertThat(found.analyzersRun()).containsExactly("mypy");
    assertThat(found.findings()).allMatch(f -> f.type() == AnalysisType.TYPES).isNotEmpty();
  }

  @Test
  void javaPlantsAreFoundByPmdAndJavac() {
    AnalysisFindings found =
        analyze(PlantedProjects.java(), EnumSet.allOf(AnalysisType.class), settings());

    assertThat(found.analyzersMissing()).isEmpty();
    assertThat(found.analyzersRun()).contains("pmd", "javac");
    assertThat(found.findings())
        .extracting(Finding::analyzer, Finding::rule, Finding::file, Finding::line)
        .contains(
            tuple("pmd", "UnusedLocalVariable", "src/main/java/demo/App.java", 8),
            tuple("javac", "incompatible-types", "src/main/java/demo/App.java", 10),
            tuple("javac", "lint:rawtypes", "src/main/java/demo/App.java", 11));
    // an absent dependency is no type error
    assertThat(found.findings())
        .filteredOn(f -> f.type() == AnalysisType.TYPES)
        .extracting(Finding::line)
        .containsExactly(10);
  }

  @Test
  void javascriptPlantIsFoundByEslint() {
    AnalysisFindings found =
        analyze(PlantedProjects.javascript(), EnumSet.allOf(AnalysisType.class), settings());

    assertThat(found.analyzersMissing()).isEmpty();
    assertThat(found.findings())
        .extracting(Finding::analyzer, Finding::rule, Finding::file, Finding::line)
        .containsExactly(tuple("eslint", "no-unused-vars", "src/index.js", 3));
  }

  @Test
  void aToolNotOnThePathIsNamedMissingNotSkipped() {
    // a PATH without bandit, pylint and mypy
    AnalysisFindings found =
        analyze(
            PlantedProjects.python(),
            EnumSet.allOf(AnalysisType.class),
            settings().withPath("/nonexistent-analysis-bin"));

    assertThat(found.analyzersMissing())
        .extracting(AnalysisFindings.MissingAnalyzer::analyzer)
        .containsExactlyInAnyOrder("bandit", "pylint", "mypy");
    assertThat(found.analyzersMissing()).allMatch(m -> m.reason().contains("not installed"));
    assertThat(found.analyzersRun()).containsExactlyInAnyOrder("secret-scanner", "shipyard-sql");
    AnalysisReport report =
        AnalysisReport.of(found, EnumSet.allOf(AnalysisType.class), null, false);
    assertThat(report.recommendations()).anyMatch(r -> r.contains("mypy"));
  }

  @Test
  void eslintNotConfiguredIsNamedMissing() {
    AnalysisFindings found =
        analyze(
            PlantedProjects.javascript(),
            EnumSet.allOf(AnalysisType.class),
            AnalysisSettings.defaults(null));

    assertThat(found.analyzersMissing())
        .extracting(AnalysisFindings.MissingAnalyzer::analyzer)
        .containsExactly("eslint");
  }
}
