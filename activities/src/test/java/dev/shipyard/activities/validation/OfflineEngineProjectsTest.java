package dev.shipyard.activities.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The validator and the offline engine agree: the engine's first versions pass every check. */
class OfflineEngineProjectsTest {

  private final OfflineEngine engine = new OfflineEngine();
  private final RealChecksValidator validator = new RealChecksValidator();

  @ParameterizedTest
  @ValueSource(strings = {"python:fastapi", "java:spring-boot", "javascript:express"})
  void generatedProjectsPassEveryCheck(String stack) {
    String[] parts = stack.split(":");
    GenerationSpec spec =
        new GenerationSpec(
            "Create a microservice for user management",
            "Must include authentication, CRUD operations, Docker deployment, tests and CI",
            Map.of("language", parts[0], "framework", parts[1]));
    ProjectPlan plan = engine.plan(spec);
    List<SourceFile> files = engine.generate(plan, spec);

    ValidationReport report = validator.validate(plan, files, 0.9);

    assertThat(report.checks())
        .allSatisfy(
            c ->
                assertThat(c.status())
                    .as(c.id() + ": " + c.message())
                    .isEqualTo(CheckStatus.PASSED));
    String sourceCheck =
        Map.of(
                "python",
                "python.compile:",
                "java",
                "java.compile:",
                "javascript",
                "javascript.syntax:")
            .get(parts[0]);
    assertThat(report.checks().stream().filter(c -> c.id().startsWith(sourceCheck)).count())
        .isGreaterThan(3);
    assertThat(report.checks().stream().map(c -> c.id()))
        .contains("structure.tests", "structure.dockerfile", "structure.ci", "structure.readme");
    assertThat(report.score()).isEqualTo(1.0);
    assertThat(report.productionReady()).isTrue();
  }
}
