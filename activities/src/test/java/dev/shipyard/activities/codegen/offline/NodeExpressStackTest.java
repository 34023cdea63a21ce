package dev.shipyard.activities.codegen.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Express projects pass {@code node --check}, and {@code node --test} runs every test
 * that needs no npm package (all but the HTTP test, which needs Express installed).
 */
class NodeExpressStackTest {

  private final OfflineEngine engine = new OfflineEngine();

  @Test
  void userManagementServiceIsCompleteAndItsTestsPass(@TempDir Path dir) throws Exception {
    List<SourceFile> files = engine.generate(engine.plan(Requests.NODE), Requests.NODE);
    Map<String, String> content = Projects.byPath(files);

    assertThat(content)
        .containsKeys(
            "package.json",
            "src/app.js",
            "src/server.js",
            "src/entities/user.js",
            "src/auth/tokens.js",
            "src/auth/middleware.js",
            "test/users.test.js",
            "test/tokens.test.js",
            "test/accounts.test.js",
            "test/api.test.js",
            "Dockerfile",
            ".github/workflows/ci.yml",
            ".env.example",
            "README.md");
    assertThat(content.get("package.json")).contains("\"test\": \"node --test\"");
    assertThat(content.get("src/config.js")).contains("env.JWT_SECRET");
    assertThat(content.get(".github/workflows/ci.yml")).contains("npm test");

    Projects.assertReadableWidth(files);
    Projects.write(dir, files);
    checkSyntax(dir, files);
    int passed = runTests(dir, files);
    assertThat(passed).isGreaterThanOrEqualTo(15);
  }

  @Test
  void shopWithoutAuthPassesItsTests(@TempDir Path dir) throws Exception {
    GenerationSpec spec = Requests.shop("javascript");
    List<SourceFile> files = engine.generate(engine.plan(spec), spec);

    assertThat(Projects.byPath(files))
        .containsKeys("test/products.test.js", "test/orders.test.js")
        .doesNotContainKeys("src/auth/tokens.js", "src/routes/auth.js");
    Projects.assertReadableWidth(files);
    Projects.write(dir, files);
    checkSyntax(dir, files);
    assertThat(runTests(dir, files)).isGreaterThanOrEqualTo(10);
  }

  private static void checkSyntax(Path dir, List<SourceFile> files) throws Exception {
    Projects.runEach(
        dir, 60, Projects.paths(files, ".js"), file -> List.of("node", "--check", file));
  }

  /** Runs the dependency-free tests with {@code node --test}; the number that passed. */
  private static int runTests(Path dir, List<SourceFile> files) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "--test"));
    Projects.paths(files, ".test.js").stream()
        .filter(path -> !NodeExpressStack.TESTS_NEEDING_DEPENDENCIES.contains(path))
        .forEach(command::add);
    Projects.Run run = Projects.run(dir, 120, command);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("# fail 0", "# skipped 0", "# cancelled 0");
    java.util.regex.Matcher pass =
        java.util.regex.Pattern.compile("# pass (\\d+)").matcher(run.output());
    assertThat(pass.find()).as(run.output()).isTrue();
    return Integer.parseInt(pass.group(1));
  }
}
