package dev.shipyard.activities.codegen.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Spring Boot projects compile, tests included, with javax.tools against exactly the
 * validator's fixed classpath.
 */
class JavaSpringBootStackTest {

  private static final String BASE = "src/main/java/com/example/usermanagementservice/";
  private static final String TEST = "src/test/java/com/example/usermanagementservice/";

  private final OfflineEngine engine = new OfflineEngine();

  @Test
  void theFixedClasspathHasOneJarPerArtifact() {
    assertThat(JavaCompilation.fixedClasspath())
        .hasSize(JavaCompilation.FIXED_CLASSPATH_MARKERS.size())
        .allSatisfy(jar -> assertThat(jar.getFileName().toString()).endsWith(".jar"));
  }

  @Test
  void userManagementServiceIsCompleteAndCompiles(@TempDir Path dir) throws Exception {
    List<SourceFile> files = engine.generate(engine.plan(Requests.JAVA), Requests.JAVA);
    Map<String, String> content = Projects.byPath(files);

    assertThat(content)
        .containsKeys(
            "pom.xml",
            BASE + "Application.java",
            BASE + "user/UserController.java",
            BASE + "user/UserRepository.java",
            BASE + "auth/TokenService.java",
            BASE + "auth/AuthInterceptor.java",
            TEST + "user/UserControllerTest.java",
            TEST + "auth/AuthFlowTest.java",
            TEST + "auth/TokenServiceTest.java",
            "src/main/resources/application.properties",
            "Dockerfile",
            ".github/workflows/ci.yml",
            ".env.example",
            "README.md");
    assertThat(content.get("src/main/resources/application.properties"))
        .contains("app.jwt.secret=${JWT_SECRET:}");
    assertThat(content.get(BASE + "user/UserController.java"))
        .contains("@GetMapping", "@PostMapping", "@PutMapping", "@DeleteMapping");
    assertThat(content.get(".github/workflows/ci.yml")).contains("mvn -B verify");
    assertThat(String.join("\n", content.values()))
        .doesNotContain(
            "lombok", "javax.persistence", "jakarta.persistence", "springframework.security");

    Projects.assertReadableWidth(files);
    assertThat(JavaCompilation.errors(files, dir)).isEmpty();
    assertThat(
            dir.resolve("classes/com/example/usermanagementservice/user/UserControllerTest.class"))
        .exists();
    assertThat(dir.resolve("classes/com/example/usermanagementservice/auth/AuthFlowTest.class"))
        .exists();
  }

  @Test
  void shopWithoutAuthCompiles(@TempDir Path dir) throws Exception {
    GenerationSpec spec = Requests.shop("java");
    List<SourceFile> files = engine.generate(engine.plan(spec), spec);

    Projects.assertReadableWidth(files);
    assertThat(JavaCompilation.errors(files, dir)).isEmpty();
    try (var classes = Files.walk(dir.resolve("classes"))) {
      assertThat(classes.map(p -> p.getFileName().toString()))
          .contains(
              "ProductController.class",
              "OrderRepository.class",
              "OrderControllerTest.class",
              "ApplicationTest.class")
          .doesNotContain("TokenService.class");
    }
  }

  @Test
  void aBrokenSourceIsReported(@TempDir Path dir) throws Exception {
    List<SourceFile> files =
        List.of(new SourceFile("src/main/java/demo/Broken.java", "package demo; class Broken {"));
    assertThat(JavaCompilation.errors(files, dir)).isNotEmpty();
  }
}
