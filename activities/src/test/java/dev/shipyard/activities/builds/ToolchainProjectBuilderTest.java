package dev.shipyard.activities.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.LocalSandbox;
import dev.shipyard.activities.sandbox.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real builds in the real sandbox: projects of the offline engine (Python, Node, Java with Spring
 * Boot) and a small JUnit-only Maven project (its coverage known exactly) are built, their tests
 * run, and the reports are read back. Needs python3 with pytest, FastAPI, httpx and coverage
 * (Debian's packages), node with npm and the npm registry, mvn and Maven Central; {@code .ci/run}
 * installs the packages.
 */
class ToolchainProjectBuilderTest {

  /** Kept between runs (under target/), so Maven downloads its plugins once. */
  private static final Path MAVEN_REPOSITORY =
      Path.of("target", "build-maven-repository").toAbsolutePath();

  @TempDir Path workspace;
  @TempDir Path data;

  private final OfflineEngine engine = new OfflineEngine();
  private final List<String> progress = new ArrayList<>();

  private ToolchainProjectBuilder builder(BuildSettings settings) {
    LocalSandbox sandbox =
        LocalSandbox.detect(
            LocalSandbox.Settings.defaults().withSharedPaths(List.of(settings.mavenRepository())));
    return new ToolchainProjectBuilder(sandbox, settings);
  }

  private BuildSettings settings() throws IOException {
    Files.createDirectories(MAVEN_REPOSITORY);
    return BuildSettings.defaults(data).withMavenRepository(MAVEN_REPOSITORY);
  }

  private BuildReport build(BuildSettings settings) {
    return builder(settings)
        .build(
            workspace, (step, percent, message) -> progress.add(percent + " " + step), Ticker.NONE);
  }

  private void generate(Map<String, String> constraints, String description) throws IOException {
    GenerationSpec spec =
        new GenerationSpec(
            description,
            "Must include authentication, CRUD operations, and Docker deployment",
            constraints);
    write(engine.generate(engine.plan(spec), spec));
  }

  private void write(List<SourceFile> files) throws IOException {
    for (SourceFile file : files) {
      Path target = workspace.resolve(file.path());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.content(), StandardCharsets.UTF_8);
    }
  }

  private static String log(BuildReport report) throws IOException {
    return Files.readString(report.log(), StandardCharsets.UTF_8);
  }

  private void assertProgressIncreases() {
    List<Integer> percents = progress.stream().map(p -> Integer.parseInt(p.split(" ")[0])).toList();
    assertThat(percents).isSorted().last().isEqualTo(100);
  }

  @Test
  void buildsTheGeneratedFastApiProjectWithTheWorkersPython() throws IOException {
    generate(
        Map.of("language", "python", "framework", "fastapi", "database", "postgresql"),
        "Create a FastAPI microservice for user management");

    BuildReport report = build(settings());
    String log = log(report);

    assertThat(report.stack()).isEqualTo("python");
    assertThat(report.steps()).allMatch(BuildReport.Step::succeeded);
    assertThat(report.testsPassed()).as(log).isGreaterThan(10);
    assertThat(report.testsFailed()).as(log).isZero();
    assertThat(report.testNames()).contains("test_create_read_update_delete");
    assertThat(report.testCoverage()).isNotNull().isBetween(50.0, 100.0);
    assertThat(log)
        .contains("==> [1] Checking dependencies", "==> [2] Running tests")
        .contains("test_create_read_update_delete PASSED")
        .contains("PASSED  test_rejects_a_malformed_username");
    // Debian has no psycopg for the PostgreSQL driver: said, not hidden.
    assertThat(report.dependenciesInstalled()).isFalse();
    assertThat(report.dependencyNote()).contains("psycopg", "no BUILD_PIP_INDEX_URL");
    assertThat(report.log().startsWith(workspace)).as("the log is outside the workspace").isFalse();
    assertProgressIncreases();
  }

  /**
   * With BUILD_PIP_INDEX_URL: a venv in the workspace and pip install from that index (here a local
   * one with a wheel made by the test, bound read-only into the sandbox).
   */
  @Test
  void installsPythonRequirementsFromAConfiguredIndex(@TempDir Path index) throws IOException {
    Path wheel =
        Files.createDirectories(index.resolve("simple/shipyard-demo-dep"))
            .resolve("shipyard_demo_dep-1.0-py3-none-any.whl");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(wheel))) {
      Map<String, String> entries =
          Map.of(
              "shipyard_demo_dep/__init__.py", "ANSWER = 42\n",
              "shipyard_demo_dep-1.0.dist-info/METADATA",
                  "Metadata-Version: 2.1\nName: shipyard-demo-dep\nVersion: 1.0\n",
              "shipyard_demo_dep-1.0.dist-info/WHEEL",
                  "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
              "shipyard_demo_dep-1.0.dist-info/RECORD", "");
      for (var entry : entries.entrySet()) {
        zip.putNextEntry(new java.util.zip.ZipEntry(entry.getKey()));
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    Files.writeString(
        wheel.resolveSibling("index.html"),
        "<html><body><a href=\""
            + wheel.getFileName()
            + "\">"
            + wheel.getFileName()
            + "</a></body></html>");
    write(
        List.of(
            new SourceFile("requirements.txt", "shipyard-demo-dep==1.0\n"),
            new SourceFile(
                "answer.py",
                "from shipyard_demo_dep import ANSWER\n\n\ndef answer():\n"
                    + "    return ANSWER\n"),
            new SourceFile(
                "tests/test_answer.py",
                "from answer import answer\n\n\ndef test_answer():\n"
                    + "    assert answer() == 42\n")));
    BuildSettings base = settings();
    BuildSettings settings =
        new BuildSettings(
            base.path(),
            base.python(),
            base.mavenRepository(),
            base.mavenMirror(),
            base.npmRegistry(),
            index.resolve("simple").toUri().toString(),
            base.limits(),
            base.logDirectory(),
            base.jacocoVersion());
    LocalSandbox sandbox =
        LocalSandbox.detect(LocalSandbox.Settings.defaults().withReadOnlyPaths(List.of(index)));

    BuildReport report =
        new ToolchainProjectBuilder(sandbox, settings)
            .build(workspace, StepProgress.NONE, Ticker.NONE);
    String log = log(report);

    assertThat(report.steps())
        .extracting(BuildReport.Step::name)
        .startsWith("Creating a virtual environment", "Installing dependencies");
    assertThat(report.steps()).as(log).allMatch(BuildReport.Step::succeeded);
    assertThat(report.dependenciesInstalled()).as(log).isTrue();
    assertThat(report.dependencyNote()).isNull();
    assertThat(report.testsPassed()).as(log).isEqualTo(1);
    assertThat(report.testCoverage()).isEqualTo(100.0);
    assertThat(log).contains("Successfully installed shipyard-demo-dep-1.0");
  }

  @Test
  void aFailingTestFailsTheBuild() throws IOException {
    write(
        List.of(
            new SourceFile("app.py", "def add(a, b):\n    return a + b\n"),
            new SourceFile(
                "tests/test_app.py",
                "from app import add\n\n\ndef test_adds():\n    assert add(1, 2) == 3\n\n\n"
                    + "def test_wrong_on_purpose():\n    assert add(1, 1) == 3\n")));

    BuildReport report = build(settings());

    assertThat(report.testsPassed()).isEqualTo(1);
    assertThat(report.testsFailed()).isEqualTo(1);
    assertThat(report.succeeded()).isFalse();
    assertThat(report.dependenciesInstalled()).isTrue();
    assertThat(log(report)).contains("FAILED  test_wrong_on_purpose", "PASSED  test_adds");
  }

  @Test
  void aProjectWithOnlyTestsPassesWithoutACoverageFigure() throws IOException {
    write(
        List.of(new SourceFile("tests/test_math.py", "def test_adds():\n    assert 1 + 2 == 3\n")));

    BuildReport report = build(settings());

    assertThat(report.testsPassed()).isEqualTo(1);
    assertThat(report.succeeded()).as("steps: %s", report.steps()).isTrue();
    assertThat(report.testCoverage()).isNull();
    assertThat(log(report)).contains("no Python code outside the tests: no coverage figure");
  }

  @Test
  void aMissingToolchainIsANotFoundStepNamingIt() throws IOException {
    write(List.of(new SourceFile("app.py", "print('hi')\n")));

    BuildReport report = build(settings().withPath(""));

    assertThat(report.succeeded()).isFalse();
    assertThat(report.steps())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.outcome()).isEqualTo("not_found");
              assertThat(step.tool()).isEqualTo("python3");
              assertThat(step.succeeded()).isFalse();
            });
    assertThat(report.dependencyNote()).contains("python3 not found");
    assertThat(log(report)).contains("python3: not found");
  }

  @Test
  void buildsTheGeneratedExpressProjectWithNpmAndNode() throws IOException {
    generate(
        Map.of("language", "javascript", "framework", "express"),
        "Create an Express microservice for user management");

    BuildReport report = build(settings());
    String log = log(report);

    assertThat(report.stack()).isEqualTo("node");
    assertThat(report.steps()).as(log).allMatch(BuildReport.Step::succeeded);
    assertThat(report.dependenciesInstalled()).isTrue();
    assertThat(report.testsPassed()).as(log).isGreaterThan(5);
    assertThat(report.testsFailed()).isZero();
    assertThat(report.testCoverage()).isNotNull().isBetween(50.0, 100.0);
    assertThat(log).contains("==> [1] Installing dependencies: npm install", "all files");
    assertThat(report.testNames()).isNotEmpty();
    assertThat(log).contains(report.testNames().get(0));
    assertProgressIncreases();
  }

  /** About 90 s with an empty repository here: 35 s of downloads, then the tests offline. */
  @Test
  void buildsTheGeneratedSpringBootProjectWithMaven() throws IOException {
    generate(
        Map.of("language", "java", "framework", "spring-boot"),
        "Create a Spring Boot microservice for user management");

    BuildReport report = build(settings());
    String log = log(report);

    assertThat(report.stack()).isEqualTo("java-maven");
    assertThat(report.steps()).as(log).allMatch(BuildReport.Step::succeeded);
    assertThat(report.dependenciesInstalled()).isTrue();
    assertThat(report.testsPassed()).as(log).isGreaterThan(10);
    assertThat(report.testsFailed()).isZero();
    assertThat(report.testCoverage()).isNotNull().isBetween(50.0, 100.0);
    assertThat(log).contains("PASSED  " + report.testNames().get(0), "Tests run:");
    assertProgressIncreases();
  }

  @Test
  void buildsAMavenProjectWithJacoco() throws IOException {
    write(
        List.of(
            new SourceFile("pom.xml", MavenFixture.POM),
            new SourceFile("src/main/java/demo/Calculator.java", MavenFixture.MAIN),
            new SourceFile("src/test/java/demo/CalculatorTest.java", MavenFixture.TEST)));

    BuildReport report = build(settings());
    String log = log(report);

    assertThat(report.stack()).isEqualTo("java-maven");
    assertThat(report.steps()).as(log).allMatch(BuildReport.Step::succeeded);
    assertThat(report.steps().get(1).name()).isEqualTo("Running tests");
    assertThat(report.testsPassed()).as(log).isEqualTo(2);
    assertThat(report.testNames()).contains("CalculatorTest.adds", "CalculatorTest.subtracts");
    // 3 of 7 lines: the class, add and subtract ran; multiply's 4 lines did not.
    assertThat(report.testCoverage()).isEqualTo(42.86);
    assertThat(log).contains(" -o ", "PASSED  CalculatorTest.adds");
    assertProgressIncreases();
  }

  @Test
  void detectsTheStackFromTheFiles() throws IOException {
    assertThat(ToolchainProjectBuilder.detectStack(workspace)).isEqualTo("unknown");
    Files.writeString(workspace.resolve("main.py"), "");
    assertThat(ToolchainProjectBuilder.detectStack(workspace)).isEqualTo("python");
    Files.writeString(workspace.resolve("package.json"), "{}");
    assertThat(ToolchainProjectBuilder.detectStack(workspace)).isEqualTo("node");
    Files.writeString(workspace.resolve("pom.xml"), "<project/>");
    assertThat(ToolchainProjectBuilder.detectStack(workspace)).isEqualTo("java-maven");
  }
}
