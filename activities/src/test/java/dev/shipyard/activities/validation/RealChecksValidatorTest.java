package dev.shipyard.activities.validation;

import static dev.shipyard.activities.validation.SampleProjects.JAVA_PLAN;
import static dev.shipyard.activities.validation.SampleProjects.NODE_PLAN;
import static dev.shipyard.activities.validation.SampleProjects.PYTHON_PLAN;
import static dev.shipyard.activities.validation.SampleProjects.with;
import static dev.shipyard.activities.validation.SampleProjects.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RealChecksValidatorTest {

  static final double TARGET = 0.9;

  private final RealChecksValidator validator = new RealChecksValidator();

  static CheckResult check(ValidationReport report, String id) {
    return report.checks().stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no check " + id + " in " + ids(report)));
  }

  static List<String> ids(ValidationReport report) {
    return report.checks().stream().map(CheckResult::id).toList();
  }

  static void assertAllPassed(ValidationReport report) {
    assertThat(report.checks())
        .allSatisfy(
            c ->
                assertThat(c.status())
                    .as(c.id() + ": " + c.message())
                    .isEqualTo(CheckStatus.PASSED));
    assertThat(report.score()).isEqualTo(1.0);
    assertThat(report.passed()).isTrue();
    assertThat(report.productionReady()).isTrue();
    assertThat(report.issues()).isEmpty();
    assertThat(report.recommendations()).containsExactly("Capsule meets quality targets");
  }

  // ---- valid projects ---------------------------------------------------------------------

  @Test
  void validPythonProjectPassesEveryCheck() {
    ValidationReport report = validator.validate(PYTHON_PLAN, SampleProjects.python(), TARGET);

    assertAllPassed(report);
    assertThat(ids(report))
        .contains(
            "python.compile:app/main.py",
            "python.compile:tests/test_main.py",
            "python.compile:app/__init__.py",
            "yaml.parse:.github/workflows/ci.yml",
            "dockerfile.rules:Dockerfile",
            "structure.tests",
            "structure.dockerfile",
            "structure.ci",
            "structure.readme",
            "security.secrets:.env.example",
            "security.secrets:app/main.py");
    // fastapi is not installed for this interpreter, so its tests cannot run here: no check.
    assertThat(ids(report)).doesNotContain("tests.run");
    assertThat(check(report, "python.compile:app/main.py").blocking()).isTrue();
    assertThat(check(report, "python.compile:app/main.py").weight()).isEqualTo(3.0);
  }

  @Test
  void validJavaProjectCompilesAgainstTheBundledClasspath() {
    ValidationReport report = validator.validate(JAVA_PLAN, SampleProjects.java(), TARGET);

    assertAllPassed(report);
    assertThat(ids(report))
        .contains(
            "java.compile:src/main/java/com/example/items/ItemController.java",
            "java.compile:src/main/java/com/example/items/ItemsApplication.java",
            "java.compile:src/test/java/com/example/items/ItemControllerTest.java",
            "yaml.parse:src/main/resources/application.yml",
            "dockerfile.rules:Dockerfile");
  }

  @Test
  void validNodeProjectPassesEveryCheck() {
    ValidationReport report = validator.validate(NODE_PLAN, SampleProjects.node(), TARGET);

    assertAllPassed(report);
    assertThat(ids(report))
        .contains(
            "javascript.syntax:src/app.js",
            "javascript.syntax:src/server.js",
            "javascript.syntax:test/app.test.js",
            "json.parse:package.json");
    // express is a dependency and there is no node_modules: the tests cannot run here.
    assertThat(ids(report)).doesNotContain("tests.run");
  }

  // ---- planted broken files ---------------------------------------------------------------

  @Test
  void pythonSyntaxErrorFailsThatFileWithTheCompilersWords() {
    List<SourceFile> files =
        with(
            SampleProjects.python(),
            "app/main.py",
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get('/')\ndef root(:\n    return {}\n");

    ValidationReport report = validator.validate(PYTHON_PLAN, files, TARGET);

    CheckResult broken = check(report, "python.compile:app/main.py");
    assertThat(broken.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(broken.file()).isEqualTo("app/main.py");
    assertThat(broken.blocking()).isTrue();
    assertThat(broken.message()).startsWith("app/main.py:6: SyntaxError").contains("line 6");
    assertThat(check(report, "python.compile:tests/test_main.py").status())
        .isEqualTo(CheckStatus.PASSED);
    assertThat(report.score()).isLessThan(TARGET);
    assertThat(report.passed()).isFalse();
    assertThat(report.productionReady()).isFalse();
    assertThat(report.issues()).hasSize(1);
    assertThat(report.issues().get(0)).startsWith("python.compile:app/main.py: app/main.py:6:");
    assertThat(report.recommendations()).containsExactly("Fix the syntax error in app/main.py:6");
  }

  @Test
  void javaCompileErrorsAreReportedPerFileFromJavac() {
    String pkg = "src/main/java/com/example/items/";
    List<SourceFile> files =
        with(
            with(
                SampleProjects.java(),
                pkg + "ItemController.java",
                SampleProjects.content(SampleProjects.java(), pkg + "ItemController.java")
                    .replace("item.name()", "item.title()")),
            pkg + "Broken.java",
            "package com.example.items;\n\nclass Broken {\n  int x = 1\n}\n");

    ValidationReport report = validator.validate(JAVA_PLAN, files, TARGET);

    CheckResult typeError = check(report, "java.compile:" + pkg + "ItemController.java");
    assertThat(typeError.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(typeError.file()).isEqualTo(pkg + "ItemController.java");
    assertThat(typeError.message())
        .startsWith(pkg + "ItemController.java:24: error: cannot find symbol")
        .contains("item.title()");
    CheckResult syntaxError = check(report, "java.compile:" + pkg + "Broken.java");
    assertThat(syntaxError.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(syntaxError.message()).startsWith(pkg + "Broken.java:4: error: ';' expected");
    // A file without errors of its own still passes.
    assertThat(check(report, "java.compile:" + pkg + "ItemsApplication.java").status())
        .isEqualTo(CheckStatus.PASSED);
    assertThat(report.productionReady()).isFalse();
    assertThat(report.score()).isLessThan(TARGET);
    assertThat(report.issues())
        .anySatisfy(i -> assertThat(i).startsWith("java.compile:" + pkg + "Broken.java: "));
  }

  @Test
  void javaScriptSyntaxErrorFailsWithNodesMessage() {
    List<SourceFile> files =
        with(
            SampleProjects.node(),
            "src/app.js",
            "const express = require('express');\nconst app = express();\n"
                + "app.get('/', (req, res) => {\n  res.send('x');\n\nmodule.exports = app;\n");

    ValidationReport report = validator.validate(NODE_PLAN, files, TARGET);

    CheckResult broken = check(report, "javascript.syntax:src/app.js");
    assertThat(broken.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(broken.file()).isEqualTo("src/app.js");
    assertThat(broken.message()).startsWith("src/app.js:7: SyntaxError: Unexpected end of input");
    assertThat(broken.message()).doesNotContain("/tmp/");
    assertThat(report.productionReady()).isFalse();
    assertThat(report.score()).isLessThan(TARGET);
    assertThat(report.issues())
        .anySatisfy(i -> assertThat(i).startsWith("javascript.syntax:src/app.js: "));
  }

  @Test
  void brokenYamlAndIncompleteWorkflowFail() {
    List<SourceFile> files =
        with(
            with(
                SampleProjects.java(),
                "src/main/resources/application.yml",
                "server:\n  port: 8080\n spring: [unclosed\n"),
            ".github/workflows/ci.yml",
            "name: CI\non: [push]\n");

    ValidationReport report = validator.validate(JAVA_PLAN, files, TARGET);

    CheckResult config = check(report, "yaml.parse:src/main/resources/application.yml");
    assertThat(config.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(config.blocking()).isTrue();
    assertThat(config.message())
        .startsWith("src/main/resources/application.yml:3:2: expected <block end>")
        .contains("line 3");
    CheckResult workflow = check(report, "yaml.parse:.github/workflows/ci.yml");
    assertThat(workflow.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(workflow.message()).contains("no 'jobs'");
    assertThat(report.productionReady()).isFalse();
  }

  @Test
  void brokenJsonFails() {
    List<SourceFile> files =
        with(SampleProjects.node(), "package.json", "{\"name\": \"x\", \"name\": \"y\",}");

    ValidationReport report = validator.validate(NODE_PLAN, files, TARGET);

    CheckResult json = check(report, "json.parse:package.json");
    assertThat(json.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(json.file()).isEqualTo("package.json");
    assertThat(json.message()).startsWith("package.json:1:21: Duplicate field 'name'");
    // node refuses to check sources under an invalid package.json: not run, not failed.
    CheckResult source = check(report, "javascript.syntax:src/app.js");
    assertThat(source.status()).isEqualTo(CheckStatus.NOT_RUN);
    assertThat(source.message()).contains("package.json is invalid");
    assertThat(report.productionReady()).isFalse();
  }

  @Test
  void dockerfileWithoutFromFailsAndBlocks() {
    List<SourceFile> files =
        with(
            SampleProjects.python(),
            "Dockerfile",
            "WORKDIR /app\nCOPY . .\nCMD [\"python\", \"-m\", \"app\"]\n");

    ValidationReport report = validator.validate(PYTHON_PLAN, files, TARGET);

    CheckResult docker = check(report, "dockerfile.rules:Dockerfile");
    assertThat(docker.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(docker.blocking()).isTrue();
    assertThat(docker.file()).isEqualTo("Dockerfile");
    assertThat(docker.message()).contains("line 1: the first instruction is WORKDIR, not FROM");
    assertThat(report.productionReady()).isFalse();
    assertThat(report.issues())
        .anySatisfy(i -> assertThat(i).startsWith("dockerfile.rules:Dockerfile: "));
  }

  // ---- structure --------------------------------------------------------------------------

  @Test
  void missingDockerfileTestsAndCiFailAndBlockWhenThePlanDemandsThem() {
    List<SourceFile> files =
        without(
            SampleProjects.python(),
            p -> p.equals("Dockerfile") || p.startsWith("tests/") || p.startsWith(".github/"));

    ValidationReport report = validator.validate(PYTHON_PLAN, files, TARGET);

    for (String id : List.of("structure.tests", "structure.dockerfile", "structure.ci")) {
      CheckResult structure = check(report, id);
      assertThat(structure.status()).as(id).isEqualTo(CheckStatus.FAILED);
      assertThat(structure.blocking()).as(id).isTrue();
      assertThat(report.issues()).anySatisfy(i -> assertThat(i).startsWith(id + ": "));
    }
    assertThat(report.productionReady()).isFalse();
    assertThat(report.passed()).isFalse();
  }

  @Test
  void withoutThoseFeaturesDockerfileAndCiAreNotRequiredAndMissingTestsDoNotBlock() {
    ProjectPlan plain =
        new ProjectPlan(
            "items", "python-fastapi", "python", "fastapi", "none", List.of("crud"), List.of());
    List<SourceFile> files =
        without(
            SampleProjects.python(),
            p -> p.equals("Dockerfile") || p.startsWith("tests/") || p.startsWith(".github/"));

    ValidationReport report = validator.validate(plain, files, 0.75);

    assertThat(ids(report)).doesNotContain("structure.dockerfile", "structure.ci");
    CheckResult tests = check(report, "structure.tests");
    assertThat(tests.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(tests.blocking()).isFalse();
    // Only the missing tests failed: 2 compiles (6), tests (3), readme (1), secrets (4 in all).
    assertThat(report.score()).isCloseTo(11.0 / 14.0, within(1e-9));
    assertThat(report.productionReady()).isTrue();
    assertThat(report.passed()).isFalse();
  }

  // ---- secrets ----------------------------------------------------------------------------

  @Test
  void plantedAwsKeyAndPrivateKeyFailTheSecretScanAndBlock() {
    String awsKey = "AKIA" + "Q3EGRIZXOWN5KDPT";
    List<SourceFile> files =
        with(
            with(
                SampleProjects.python(),
                "app/settings.py",
                "AWS_ACCESS_KEY_ID = \"" + awsKey + "\"\nREGION = \"eu-west-1\"\n"),
            "deploy/id_rsa",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\n");

    ValidationReport report = validator.validate(PYTHON_PLAN, files, TARGET);

    CheckResult aws = check(report, "security.secrets:app/settings.py");
    assertThat(aws.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(aws.blocking()).isTrue();
    assertThat(aws.file()).isEqualTo("app/settings.py");
    assertThat(aws.message()).contains("line 1: AWS access key ID").doesNotContain(awsKey);
    CheckResult pem = check(report, "security.secrets:deploy/id_rsa");
    assertThat(pem.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(pem.message()).contains("line 1: private key block");
    assertThat(check(report, "security.secrets:app/main.py").status())
        .isEqualTo(CheckStatus.PASSED);
    assertThat(report.productionReady()).isFalse();
    assertThat(report.passed()).isFalse();
    assertThat(String.join("\n", report.issues())).doesNotContain(awsKey);
  }

  // ---- missing toolchains -----------------------------------------------------------------

  @Test
  void missingPythonMakesCompileChecksNotRunAndNeverPassed() {
    RealChecksValidator noPython =
        new RealChecksValidator(Toolchains.defaults().withPython("/nonexistent/bin/python3"));

    ValidationReport report = noPython.validate(PYTHON_PLAN, SampleProjects.python(), TARGET);

    CheckResult main = check(report, "python.compile:app/main.py");
    assertThat(main.status()).isEqualTo(CheckStatus.NOT_RUN);
    assertThat(main.message()).startsWith("python3 not found");
    assertThat(report.score()).isLessThan(1.0);
    // 3 files x 3 of 24 in all were not run.
    assertThat(report.score()).isCloseTo(15.0 / 24.0, within(1e-9));
    assertThat(report.passed()).isTrue();
    assertThat(report.productionReady()).isFalse();
    assertThat(report.issues())
        .anySatisfy(
            i ->
                assertThat(i).startsWith("python.compile:app/main.py: not run: python3 not found"));
    assertThat(report.recommendations())
        .containsExactly("Install python3 on the worker so Python sources can be compiled");
  }

  @Test
  void missingNodeMakesSyntaxChecksNotRun() {
    RealChecksValidator noNode =
        new RealChecksValidator(Toolchains.defaults().withNode("/nonexistent/bin/node"));

    ValidationReport report = noNode.validate(NODE_PLAN, SampleProjects.node(), TARGET);

    assertThat(report.checks())
        .filteredOn(c -> c.id().startsWith("javascript.syntax:"))
        .hasSize(3)
        .allSatisfy(c -> assertThat(c.status()).isEqualTo(CheckStatus.NOT_RUN));
    assertThat(report.score()).isLessThan(TARGET);
    assertThat(report.productionReady()).isFalse();
  }

  // ---- tests.run --------------------------------------------------------------------------

  static List<SourceFile> pythonWithoutDependencies(String assertion) {
    return List.of(
        new SourceFile("calc/__init__.py", ""),
        new SourceFile("calc/ops.py", "def add(a, b):\n    return a + b\n"),
        new SourceFile(
            "tests/test_ops.py",
            "from calc.ops import add\n\n\ndef test_add():\n    " + assertion + "\n"),
        new SourceFile("README.md", "# calc\n"));
  }

  static final ProjectPlan CALC_PLAN =
      new ProjectPlan(
          "calc", "python-fastapi", "python", "none", "none", List.of("tests"), List.of());

  @Test
  void pythonTestsRunWithPytestWhenEverythingTheyNeedIsInstalled() {
    ValidationReport report =
        validator.validate(CALC_PLAN, pythonWithoutDependencies("assert add(2, 3) == 5"), TARGET);

    CheckResult run = check(report, "tests.run");
    assertThat(run.status()).as(run.message()).isEqualTo(CheckStatus.PASSED);
    assertThat(run.message()).startsWith("pytest: 1 passed");
    assertAllPassed(report);
  }

  @Test
  void failingPythonTestFailsTestsRunWithoutBlocking() {
    ValidationReport report =
        validator.validate(CALC_PLAN, pythonWithoutDependencies("assert add(2, 3) == 6"), TARGET);

    CheckResult run = check(report, "tests.run");
    assertThat(run.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(run.blocking()).isFalse();
    assertThat(run.message()).contains("1 failed").contains("tests/test_ops.py");
    assertThat(report.passed()).isFalse();
    assertThat(report.recommendations())
        .containsExactly("Make the generated tests pass (pytest reported failures)");
  }

  @Test
  void nodeTestsRunWithNodeTestWhenThereAreNoMissingDependencies() {
    List<SourceFile> files =
        List.of(
            new SourceFile(
                "package.json", "{\"name\": \"sum\", \"scripts\": {\"test\": \"node --test\"}}"),
            new SourceFile("src/sum.js", "module.exports = (a, b) => a + b;\n"),
            new SourceFile(
                "test/sum.test.js",
                "const test = require('node:test');\nconst assert = require('node:assert');\n"
                    + "const sum = require('../src/sum');\n\n"
                    + "test('adds', () => assert.strictEqual(sum(2, 3), 5));\n"),
            new SourceFile("README.md", "# sum\n"));
    ProjectPlan plan =
        new ProjectPlan(
            "sum", "node-express", "javascript", "none", "none", List.of("tests"), List.of());

    ValidationReport passing = validator.validate(plan, files, TARGET);
    ValidationReport failing =
        validator.validate(
            plan, with(files, "src/sum.js", "module.exports = (a, b) => a - b;\n"), TARGET);

    assertThat(check(passing, "tests.run").status()).isEqualTo(CheckStatus.PASSED);
    assertAllPassed(passing);
    CheckResult failed = check(failing, "tests.run");
    assertThat(failed.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(failed.message()).startsWith("node --test failed (exit code 1");
    assertThat(failing.productionReady()).isFalse(); // 15 of 18 passed: below 0.9
  }

  @Test
  void aTestRunOverTheTimeLimitIsKilledAndFails() {
    RealChecksValidator quick =
        new RealChecksValidator(
            Toolchains.defaults().withProcessTimeout(java.time.Duration.ofSeconds(3)));
    List<SourceFile> files =
        with(
            pythonWithoutDependencies("assert add(1, 1) == 2"),
            "tests/test_slow.py",
            "import time\n\n\ndef test_slow():\n    time.sleep(120)\n");

    long started = System.nanoTime();
    ValidationReport report = quick.validate(CALC_PLAN, files, TARGET);
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;

    CheckResult run = check(report, "tests.run");
    assertThat(run.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(run.message()).contains("did not finish within the time limit");
    assertThat(seconds).isLessThan(30);
  }

  // ---- housekeeping -----------------------------------------------------------------------

  @Test
  void theTemporaryDirectoryIsDeletedAfterwards() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before = validationDirectories(tmp);

    validator.validate(PYTHON_PLAN, SampleProjects.python(), TARGET);

    assertThat(validationDirectories(tmp)).isEqualTo(before);
  }

  private static List<Path> validationDirectories(Path tmp) throws Exception {
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith("shipyard-validate-"))
          .sorted()
          .toList();
    }
  }
}
