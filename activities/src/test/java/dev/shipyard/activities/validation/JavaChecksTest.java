package dev.shipyard.activities.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaChecksTest {

  private static final String CONTROLLER = "src/main/java/com/example/items/ItemController.java";

  @Test
  void javacUsesTheGivenClasspathNotTheJvmsOwn() {
    // This JVM's class path holds spring-core and friends, but javac must see only what it is
    // given: with nothing, Spring MVC's annotations are unknown.
    try (Workspace workspace = Workspace.create(SampleProjects.java())) {
      List<CheckResult> checks =
          new JavaChecks(BundledJavacClasspath.of(List.of())).compile(workspace);

      CheckResult controller =
          checks.stream().filter(c -> c.file().equals(CONTROLLER)).findFirst().orElseThrow();
      assertThat(controller.status()).isEqualTo(CheckStatus.FAILED);
      assertThat(controller.message())
          .contains("package org.springframework.web.bind.annotation does not exist");
    }
  }

  @Test
  void withoutACompilerInTheRuntimeEveryFileIsNotRun() {
    try (Workspace workspace = Workspace.create(SampleProjects.java())) {
      List<CheckResult> checks =
          new JavaChecks(BundledJavacClasspath.fromResources(), null).compile(workspace);

      assertThat(checks)
          .hasSize(4)
          .allSatisfy(
              c -> {
                assertThat(c.status()).isEqualTo(CheckStatus.NOT_RUN);
                assertThat(c.message()).startsWith("No Java compiler in this runtime");
              });
    }
  }
}
