package dev.shipyard.activities.validation;

import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Project-wide structure: tests present (always checked; blocking when the plan has {@code tests}),
 * a Dockerfile and a CI definition (checked only when the plan has {@code docker} / {@code ci},
 * then blocking), a non-empty README at the root (always, never blocking).
 */
final class StructureChecks {

  static final double TESTS_WEIGHT = 3;
  static final double DOCKERFILE_WEIGHT = 2;
  static final double CI_WEIGHT = 2;
  static final double README_WEIGHT = 1;

  private StructureChecks() {}

  static List<CheckResult> check(Workspace workspace, ProjectPlan plan) {
    Set<String> paths = workspace.files().keySet();
    List<CheckResult> checks = new ArrayList<>();

    List<String> tests = paths.stream().filter(FileKinds::isTest).toList();
    boolean testsDemanded = plan.has("tests");
    if (tests.isEmpty()) {
      checks.add(
          Checks.failed(
              "structure.tests",
              "structure",
              null,
              testsDemanded,
              TESTS_WEIGHT,
              "no test files (tests/ or test/ folders, test_*.py, *_test.py, *Test.java,"
                  + " *.test.js)",
              "Add tests for the main endpoints"));
    } else {
      checks.add(
          Checks.passed(
              "structure.tests",
              "structure",
              null,
              testsDemanded,
              TESTS_WEIGHT,
              tests.size() + " test file(s): " + String.join(", ", tests)));
    }

    if (plan.has("docker")) {
      checks.add(
          presence(
              paths,
              FileKinds::isDockerfile,
              "structure.dockerfile",
              DOCKERFILE_WEIGHT,
              "Dockerfile",
              "Add a Dockerfile at the project root"));
    }
    if (plan.has("ci")) {
      checks.add(
          presence(
              paths,
              FileKinds::isCiDefinition,
              "structure.ci",
              CI_WEIGHT,
              "CI workflow (.github/workflows/*.yml or another CI definition)",
              "Add a CI workflow, e.g. .github/workflows/ci.yml that runs the tests"));
    }

    List<String> readmes =
        paths.stream()
            .filter(FileKinds::isReadme)
            .filter(path -> !workspace.files().get(path).isBlank())
            .toList();
    if (readmes.isEmpty()) {
      checks.add(
          Checks.failed(
              "structure.readme",
              "structure",
              null,
              false,
              README_WEIGHT,
              "no README at the project root (or it is empty)",
              "Add a README.md that says how to run, test and deploy the project"));
    } else {
      checks.add(
          Checks.passed(
              "structure.readme",
              "structure",
              null,
              false,
              README_WEIGHT,
              "present: " + readmes.get(0)));
    }
    return checks;
  }

  private static CheckResult presence(
      Set<String> paths,
      Predicate<String> kind,
      String id,
      double weight,
      String what,
      String recommendation) {
    List<String> found = paths.stream().filter(kind).toList();
    if (found.isEmpty()) {
      return Checks.failed(
          id,
          "structure",
          null,
          true,
          weight,
          "no " + what + ", which the plan demands",
          recommendation);
    }
    return Checks.passed(
        id, "structure", null, true, weight, "present: " + String.join(", ", found));
  }
}
