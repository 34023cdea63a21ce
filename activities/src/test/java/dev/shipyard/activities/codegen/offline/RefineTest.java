package dev.shipyard.activities.codegen.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefineTest {

  private static final String BROKEN_MAIN = "def create_app(:\n    return\n";

  private final OfflineEngine engine = new OfflineEngine();
  private final ProjectPlan plan = engine.plan(Requests.PYTHON);
  private final List<SourceFile> generated = engine.generate(plan, Requests.PYTHON);

  @Test
  void restoresACorruptedFileAndLeavesTheOthersAlone(@TempDir Path dir) throws Exception {
    List<SourceFile> corrupted = replace(generated, "app/main.py", BROKEN_MAIN);
    Projects.write(dir.resolve("before"), corrupted);
    Projects.Run broken =
        Projects.run(
            dir.resolve("before"), 60, List.of("python3", "-B", "-m", "py_compile", "app/main.py"));
    assertThat(broken.exitCode()).as("the corrupted file really is broken").isNotZero();

    ValidationReport report =
        report(
            failed("python.compile:app/main.py", "compile", "app/main.py"),
            passed("python.compile:app/models.py", "compile", "app/models.py"),
            passed("structure.tests", "structure", null));
    List<SourceFile> refined = engine.refine(plan, Requests.PYTHON, corrupted, report);

    Map<String, String> after = Projects.byPath(refined);
    assertThat(after.get("app/main.py"))
        .isEqualTo(Projects.byPath(generated).get("app/main.py"))
        .isNotEqualTo(BROKEN_MAIN);
    assertThat(refined).hasSameSizeAs(corrupted);
    for (SourceFile file : corrupted) {
      if (!file.path().equals("app/main.py")) {
        assertThat(refined).as(file.path()).contains(file);
      }
    }
    Projects.write(dir.resolve("after"), refined);
    Projects.Run fixed =
        Projects.run(
            dir.resolve("after"), 60, List.of("python3", "-B", "-m", "py_compile", "app/main.py"));
    assertThat(fixed.exitCode()).as(fixed.output()).isZero();
  }

  @Test
  void keepsFilesThatNoFailedCheckNames() {
    List<SourceFile> edited = replace(generated, "README.md", "# My own words\n");
    ValidationReport report =
        report(
            passed("python.compile:app/main.py", "compile", "app/main.py"),
            new CheckResult(
                "security.secrets:README.md",
                "security",
                "README.md",
                CheckStatus.NOT_RUN,
                false,
                1,
                "scanner missing",
                null));

    assertThat(engine.refine(plan, Requests.PYTHON, edited, report)).isEqualTo(edited);
  }

  @Test
  void addsWhatFailedStructureChecksMiss() {
    List<SourceFile> stripped =
        generated.stream()
            .filter(f -> !OfflineEngine.isTest(f.path()))
            .filter(f -> !f.path().startsWith(".github/") && !f.path().equals("Dockerfile"))
            .toList();
    ValidationReport report =
        report(
            failed("structure.tests", "structure", null),
            failed("structure.ci", "structure", null),
            failed("structure.dockerfile", "structure", null));

    List<SourceFile> refined = engine.refine(plan, Requests.PYTHON, stripped, report);

    assertThat(refined).containsExactlyInAnyOrderElementsOf(generated);
  }

  @Test
  void addsAFeatureThePlanLackedWhenTheValidatorDemandsIt() {
    ProjectPlan withoutDocker =
        engine.plan(Requests.userManagement(Map.of("language", "python", "docker", "false")));
    List<SourceFile> files = engine.generate(withoutDocker, Requests.PYTHON);
    assertThat(Projects.byPath(files)).doesNotContainKey("Dockerfile");

    List<SourceFile> refined =
        engine.refine(
            withoutDocker,
            Requests.PYTHON,
            files,
            report(failed("structure.dockerfile", "structure", null)));

    assertThat(Projects.byPath(refined)).containsKeys("Dockerfile", ".dockerignore");
    assertThat(refined).containsAll(files);
  }

  @Test
  void dropsAFailingFileTheTemplatesDoNotKnow() {
    List<SourceFile> extra = new ArrayList<>(generated);
    extra.add(new SourceFile("config/settings.yaml", "key: [unclosed\n"));

    List<SourceFile> refined =
        engine.refine(
            plan,
            Requests.PYTHON,
            extra,
            report(failed("yaml.parse:config/settings.yaml", "config", "config/settings.yaml")));

    assertThat(refined).isEqualTo(generated);
  }

  @Test
  void repairsJavaAndNodeFilesToo() {
    ProjectPlan javaPlan = engine.plan(Requests.JAVA);
    List<SourceFile> java = engine.generate(javaPlan, Requests.JAVA);
    String controller = "src/main/java/com/example/usermanagementservice/user/UserController.java";
    List<SourceFile> brokenJava = replace(java, controller, "class {");
    assertThat(
            engine.refine(
                javaPlan,
                Requests.JAVA,
                brokenJava,
                report(failed("java.compile:" + controller, "compile", controller))))
        .isEqualTo(java);

    ProjectPlan nodePlan = engine.plan(Requests.NODE);
    List<SourceFile> node = engine.generate(nodePlan, Requests.NODE);
    List<SourceFile> brokenNode = replace(node, "src/app.js", "function (");
    assertThat(
            engine.refine(
                nodePlan,
                Requests.NODE,
                brokenNode,
                report(failed("javascript.syntax:src/app.js", "syntax", "src/app.js"))))
        .isEqualTo(node);
  }

  private static List<SourceFile> replace(List<SourceFile> files, String path, String content) {
    assertThat(files).extracting(SourceFile::path).contains(path);
    return files.stream()
        .map(f -> f.path().equals(path) ? new SourceFile(path, content) : f)
        .toList();
  }

  private static CheckResult failed(String id, String category, String file) {
    return new CheckResult(id, category, file, CheckStatus.FAILED, true, 1, "failed", "fix it");
  }

  private static CheckResult passed(String id, String category, String file) {
    return new CheckResult(id, category, file, CheckStatus.PASSED, true, 1, "ok", null);
  }

  private static ValidationReport report(CheckResult... checks) {
    boolean allPassed = List.of(checks).stream().allMatch(c -> c.status() == CheckStatus.PASSED);
    return new ValidationReport(
        allPassed ? 1.0 : 0.5, allPassed, allPassed, List.of(), List.of(), List.of(checks));
  }
}
