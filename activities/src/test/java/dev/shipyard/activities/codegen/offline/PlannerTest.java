package dev.shipyard.activities.codegen.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {

  private final OfflineEngine engine = new OfflineEngine();

  @Test
  void readsTheDocumentedRequest() {
    ProjectPlan plan = engine.plan(Requests.PYTHON);

    assertThat(engine.name()).isEqualTo("offline");
    assertThat(plan)
        .isEqualTo(
            new ProjectPlan(
                "user-management-service",
                "python-fastapi",
                "python",
                "fastapi",
                "postgresql",
                java.util.List.of("auth", "crud", "docker", "ci", "tests"),
                java.util.List.of("user")));
  }

  @Test
  void constraintsChooseTheStack() {
    assertThat(engine.plan(Requests.JAVA).stack()).isEqualTo("java-spring-boot");
    assertThat(engine.plan(Requests.NODE).stack()).isEqualTo("node-express");
    assertThat(engine.plan(spec("Build a Spring Boot API", Map.of("framework", "express"))).stack())
        .isEqualTo("node-express");
  }

  @Test
  void withoutConstraintsTheTextChoosesTheStack() {
    ProjectPlan spring =
        engine.plan(spec("Build a Spring Boot API for products and orders", Map.of()));
    assertThat(spring.stack()).isEqualTo("java-spring-boot");
    assertThat(spring.entities()).containsExactly("product", "order");
    assertThat(spring.features()).doesNotContain("auth");
    assertThat(spring.database()).isEqualTo("none");

    ProjectPlan express =
        engine.plan(
            spec("An Express service to manage tasks with login, kept in SQLite", Map.of()));
    assertThat(express.stack()).isEqualTo("node-express");
    assertThat(express.features()).contains("auth");
    assertThat(express.database()).isEqualTo("sqlite");
    assertThat(express.entities()).containsExactly("task");

    ProjectPlan plain = engine.plan(spec("Something useful", Map.of()));
    assertThat(plain.stack()).isEqualTo("python-fastapi");
    assertThat(plain.entities()).containsExactly("item");
    assertThat(plain.projectName()).isEqualTo("something-useful-service");
  }

  @Test
  void findsEntitiesButNotCommonWords() {
    assertThat(
            engine.plan(spec("Inventory management in order to track stock", Map.of())).entities())
        .containsExactly("inventory");
    assertThat(engine.plan(spec("A blog with posts, comments and authors", Map.of())).entities())
        .containsExactly("post", "comment", "author");
    assertThat(engine.plan(spec("Anything", Map.of("entities", "books, reviews"))).entities())
        .containsExactly("book", "review");
  }

  @Test
  void constraintsCanDropDefaultFeatures() {
    ProjectPlan plan =
        engine.plan(
            Requests.userManagement(Map.of("docker", "false", "ci", "no", "auth", "false")));
    assertThat(plan.features()).containsExactly("crud", "tests");

    assertThat(engine.generate(plan, Requests.PYTHON))
        .extracting(SourceFile::path)
        .doesNotContain("Dockerfile", ".github/workflows/ci.yml", "app/auth.py")
        .contains("tests/test_api.py");
  }

  @Test
  void refusesWhatItCannotBuild() {
    assertThatThrownBy(() -> engine.plan(Requests.userManagement(Map.of("language", "cobol"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported language 'cobol'")
        .hasMessageContaining("python (fastapi)");
    assertThatThrownBy(
            () ->
                engine.plan(
                    Requests.userManagement(Map.of("language", "python", "framework", "django"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported framework 'django'");
    assertThatThrownBy(
            () ->
                engine.plan(
                    Requests.userManagement(Map.of("language", "java", "framework", "fastapi"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not available for language 'java'");
    assertThatThrownBy(() -> engine.plan(Requests.userManagement(Map.of("database", "mongodb"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported database 'mongodb'");
    assertThatThrownBy(() -> engine.plan(Requests.userManagement(Map.of("entities", "class"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'class' is not usable");
  }

  @Test
  void isDeterministic() {
    for (GenerationSpec spec :
        new GenerationSpec[] {Requests.PYTHON, Requests.JAVA, Requests.NODE}) {
      ProjectPlan plan = engine.plan(spec);
      assertThat(new OfflineEngine().plan(spec)).isEqualTo(plan);
      assertThat(new OfflineEngine().generate(plan, spec)).isEqualTo(engine.generate(plan, spec));
    }
  }

  private static GenerationSpec spec(String description, Map<String, String> constraints) {
    return new GenerationSpec(description, "", constraints);
  }
}
