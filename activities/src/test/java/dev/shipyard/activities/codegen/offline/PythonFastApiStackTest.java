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
 * The generated FastAPI projects compile with {@code python3 -m py_compile}, and their
 * standard-library tests (repository, passwords, tokens, accounts) pass under {@code python3 -m
 * unittest}. The API tests need FastAPI installed, so here they are only compiled.
 */
class PythonFastApiStackTest {

  private final OfflineEngine engine = new OfflineEngine();

  @Test
  void userManagementServiceIsCompleteAndItsTestsPass(@TempDir Path dir) throws Exception {
    List<SourceFile> files = engine.generate(engine.plan(Requests.PYTHON), Requests.PYTHON);
    Map<String, String> content = Projects.byPath(files);

    assertThat(content)
        .containsKeys(
            "app/main.py",
            "app/models.py",
            "app/repository.py",
            "app/routers/users.py",
            "app/security.py",
            "app/auth.py",
            "app/config.py",
            "tests/test_api.py",
            "tests/test_security.py",
            "tests/test_repository.py",
            "requirements.txt",
            "requirements-dev.txt",
            "Dockerfile",
            ".dockerignore",
            ".env.example",
            ".github/workflows/ci.yml",
            "README.md");
    assertThat(content).containsKeys("app/database.py", "app/schema.py");
    assertThat(content.get("requirements.txt")).contains("psycopg[binary]");
    assertThat(content.get("app/schema.py")).contains("CREATE TABLE IF NOT EXISTS users");
    assertThat(content.get("app/config.py"))
        .contains("os.environ.get(\"JWT_SECRET\"", "os.environ.get(\"DATABASE_URL\"");
    assertThat(content.get(".env.example")).contains("JWT_SECRET=\n");
    assertThat(content.get("app/routers/users.py"))
        .contains("@api.post(", "@api.get(", "@api.put(", "@api.delete(");
    assertThat(content.get(".github/workflows/ci.yml"))
        .contains("pip install -r requirements-dev.txt", "python -m pytest");
    assertThat(content.get("Dockerfile")).contains("USER appuser", "app.main:create_app");
    assertThat(content.get("tests/test_api.py"))
        .contains("def test_create_read_update_delete", "def test_requires_a_token");

    Projects.assertReadableWidth(files);
    Projects.write(dir, files);
    compileAll(dir, files);
    String output = runUnitTests(dir, "tests.test_repository", "tests.test_security");
    assertThat(output).contains("SqlRepositoryTest", "InMemoryRepositoryTest", "TokenServiceTest");
  }

  @Test
  void shopWithoutAuthCompilesAndItsTestsPass(@TempDir Path dir) throws Exception {
    GenerationSpec spec = Requests.shop("python");
    List<SourceFile> files = engine.generate(engine.plan(spec), spec);

    assertThat(Projects.byPath(files))
        .containsKeys("app/routers/products.py", "app/routers/orders.py")
        .doesNotContainKeys(
            "app/auth.py", "app/security.py", "tests/test_security.py", "app/database.py");
    Projects.assertReadableWidth(files);
    Projects.write(dir, files);
    compileAll(dir, files);
    runUnitTests(dir, "tests.test_repository");
  }

  /** MySQL has no RETURNING: the repository takes the id from the cursor, tested on SQLite. */
  @Test
  void mysqlShopCompilesAndItsRepositoryTestsPass(@TempDir Path dir) throws Exception {
    GenerationSpec spec =
        new GenerationSpec(
            "A shop for products", "", Map.of("language", "python", "database", "mysql"));
    List<SourceFile> files = engine.generate(engine.plan(spec), spec);
    Map<String, String> content = Projects.byPath(files);

    assertThat(content.get("requirements.txt")).contains("PyMySQL");
    assertThat(content.get("app/database.py"))
        .contains("cursor.lastrowid")
        .doesNotContain("RETURNING");
    Projects.assertReadableWidth(files);
    Projects.write(dir, files);
    compileAll(dir, files);
    String output = runUnitTests(dir, "tests.test_repository");
    assertThat(output).contains("SqlRepositoryTest");
  }

  private static void compileAll(Path dir, List<SourceFile> files) throws Exception {
    Projects.runEach(
        dir,
        60,
        Projects.paths(files, ".py"),
        file -> List.of("python3", "-B", "-m", "py_compile", file));
  }

  private static String runUnitTests(Path dir, String... modules) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", "-B", "-m", "unittest", "-v"));
    command.addAll(List.of(modules));
    Projects.Run run = Projects.run(dir, 120, command);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("OK").doesNotContain("skipped");
    assertThat(run.output()).containsPattern("Ran [1-9][0-9]* tests");
    return run.output();
  }
}
