package dev.shipyard.standalone.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.capsules.FileSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Analyses through HTTP on the real platform: a stored capsule with planted defects (a hard-coded
 * secret, SQL built by concatenation, an unused variable, a type error) is analysed by the real
 * analyzers on the worker; each plant is found at its file and line, naming the analyzer. Another
 * user's GET is 404; bad input is 400 and starts nothing. The analyzers run in the worker's real
 * sandbox (SandboxBeans: LocalSandbox).
 */
@ExtendWith(LocalPlatformExtension.class)
class AnalysisApiTest {

  /** app/db.py: secret line 3, SQL line 7, unused variable line 12, type error line 18. */
  static final String DB_PY =
      """
      import sqlite3

      DB_PASSWORD = "hunter2-Very-Secret-99"


      def find_user(conn: sqlite3.Connection, name: str) -> list:
          query = "SELECT * FROM users WHERE name = '" + name + "'"
          return conn.execute(query).fetchall()


      def count_users(conn: sqlite3.Connection) -> int:
          total = 0
          rows = conn.execute("SELECT COUNT(*) FROM users").fetchall()
          return len(rows)


      def label(count: int) -> str:
          return count + 1
      """;

  /** A test that runs part of app/db.py, so coverage.py has a figure below 100 to report. */
  static final String TEST_DB_PY =
      """
      import sqlite3

      from app.db import count_users


      def test_count_users_counts_the_count_row():
          conn = sqlite3.connect(":memory:")
          conn.execute("CREATE TABLE users (name TEXT)")
          assert count_users(conn) == 1
      """;

  /** Stores a capsule of {@code owner} with the planted files, as a finished generation does. */
  static String storeCapsule(LocalPlatform platform, Account owner, String projectName) {
    BlobStore blobs = platform.workerContext().getBean(BlobStore.class);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    FileSet files =
        new ProjectFiles(blobs)
            .save(
                List.of(
                    new SourceFile("app/__init__.py", ""),
                    new SourceFile("app/db.py", DB_PY),
                    new SourceFile("tests/__init__.py", ""),
                    new SourceFile("tests/test_db.py", TEST_DB_PY),
                    new SourceFile("README.md", "# planted\n")));
    String capsuleId = "cap-" + UUID.randomUUID().toString().substring(0, 16);
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description,"
            + " project_name, engine, target_score, workflow_id, file_count, manifest_key,"
            + " version_key) VALUES (?, ?, ?, ?, 'planted', ?, 'offline', 0.9, ?, 5,"
            + " ?, ?)",
        capsuleId,
        "req-" + capsuleId,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        projectName,
        "capsule-" + capsuleId,
        files.manifestKey(),
        "capsules/" + capsuleId + "/versions/v1.json");
    return capsuleId;
  }

  @Test
  @SuppressWarnings("unchecked")
  void findsEachPlantAtItsFileAndLineNamingTheAnalyzer(WebTestClient api, LocalPlatform platform)
      throws Exception {
    Account owner = Accounts.register(api, "analysis");
    String project = Accounts.unique("planted");
    String capsuleId = storeCapsule(platform, owner, project);

    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/analysis/",
            owner.accessToken(),
            Map.of(
                "project_name", project, "analysis_types", List.of("quality", "security", "types")),
            202);
    String analysisId = (String) created.get("analysis_id");
    assertThat(created)
        .containsEntry("project_name", project)
        .containsEntry("performed_by", owner.username())
        .containsEntry("capsule_id", capsuleId)
        .containsEntry("version_id", "v1")
        .containsKey("timestamp");

    // The POST waits up to ANALYSIS_SYNC_WAIT (20 s); on a slow machine, poll GET until done.
    AtomicReference<Map<String, Object>> last = new AtomicReference<>(created);
    if (!"completed".equals(created.get("status"))) {
      assertThat(created.get("status")).isIn("initializing", "running");
      Awaitility.await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                last.set(
                    Json.call(
                        api,
                        HttpMethod.GET,
                        "/api/analysis/" + analysisId,
                        owner.accessToken(),
                        null,
                        200));
                return !List.of("initializing", "running").contains(last.get().get("status"));
              });
    }
    Map<String, Object> result = last.get();
    assertThat(result)
        .containsEntry("status", "completed")
        .containsEntry("analysis_id", analysisId);
    assertThat((List<Object>) result.get("analyzers_missing")).isEmpty();
    assertThat((List<String>) result.get("analyzers_run"))
        .contains("bandit", "pylint", "mypy", "secret-scanner", "shipyard-sql");

    List<Map<String, Object>> findings = (List<Map<String, Object>>) result.get("findings");
    assertThat(findings)
        .extracting(
            f -> f.get("analyzer"), f -> f.get("rule"), f -> f.get("file"), f -> f.get("line"))
        .contains(
            tuple("secret-scanner", "hard-coded-secret", "app/db.py", 3),
            tuple("shipyard-sql", "sql-string-building", "app/db.py", 7),
            tuple("pylint", "W0612", "app/db.py", 12),
            tuple("mypy", "return-value", "app/db.py", 18));
    List<Map<String, Object>> security = (List<Map<String, Object>>) result.get("security_issues");
    assertThat(security)
        .extracting(s -> s.get("analyzer"), s -> s.get("line"))
        .contains(tuple("secret-scanner", 3), tuple("shipyard-sql", 7));
    assertThat(security)
        .allSatisfy(s -> assertThat(s).containsKeys("issue", "severity", "recommendation"));
    assertThat(((Number) result.get("type_errors")).intValue()).isGreaterThanOrEqualTo(1);
    assertThat(((Number) result.get("code_smells")).intValue()).isGreaterThanOrEqualTo(1);
    double score = ((Number) result.get("quality_score")).doubleValue();
    assertThat(score).isBetween(0.0, 10.0);
    // The project's test ran under coverage.py in the sandbox: part of app/db.py is covered.
    assertThat(((Number) result.get("coverage_percent")).doubleValue()).isBetween(1.0, 99.0);
    assertThat((List<String>) result.get("analyzers_run")).contains("coverage");
    assertThat((List<String>) result.get("recommendations")).isNotEmpty();
    // the secret's value appears nowhere in the answer
    assertThat(result.toString()).doesNotContain("hunter2");

    // The stored results and the run agree with what GET shows; the full report is a blob.
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    assertThat(
            jdbc.queryForObject(
                "SELECT status FROM workflow_runs WHERE workflow_id = ?",
                String.class,
                "analysis-" + analysisId))
        .isEqualTo("completed");
    assertThat(
            platform
                .workerContext()
                .getBean(BlobStore.class)
                .exists("analyses/" + analysisId + "/report.json"))
        .isTrue();
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM task_events WHERE task_id = ? AND type = 'completion'",
                Integer.class,
                UUID.fromString(analysisId)))
        .isEqualTo(1);

    // Someone else's analysis does not exist for them.
    Account other = Accounts.register(api, "analysis-other");
    Map<String, Object> notFound =
        Json.call(
            api, HttpMethod.GET, "/api/analysis/" + analysisId, other.accessToken(), null, 404);
    assertThat(notFound).containsKeys("error", "detail", "status_code", "timestamp");
    // ... nor can they analyse the owner's capsule by its ID
    Json.call(
        api,
        HttpMethod.POST,
        "/api/analysis/",
        other.accessToken(),
        Map.of(
            "project_name", project, "analysis_types", List.of("quality"), "capsule_id", capsuleId),
        404);
  }

  @Test
  void badInputIs400AndStartsNothing(WebTestClient api, LocalPlatform platform) {
    Account owner = Accounts.register(api, "analysis-bad");
    String project = Accounts.unique("bad");
    storeCapsule(platform, owner, project);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);

    List<Map<String, Object>> bodies =
        List.of(
            Map.of("project_name", project, "analysis_types", List.of("quality"), "extra", 1),
            Map.of("project_name", project, "analysis_types", List.of("quality", "style")),
            Map.of("project_name", "../etc/passwd", "analysis_types", List.of("quality")),
            Map.of("project_name", "x; rm -rf /", "analysis_types", List.of("quality")),
            Map.of("project_name", "$(id)", "analysis_types", List.of("quality")),
            Map.of("project_name", project, "analysis_types", List.of()),
            Map.of("analysis_types", List.of("quality")));
    for (Map<String, Object> body : bodies) {
      Map<String, Object> error =
          Json.call(api, HttpMethod.POST, "/api/analysis/", owner.accessToken(), body, 400);
      assertThat(error).containsEntry("status_code", 400).containsKeys("error", "detail");
    }
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM analyses WHERE owner_id = ?",
                Integer.class,
                UUID.fromString(owner.id())))
        .isZero();

    // A project the caller has no capsule of: 404 in the builds shape, nothing started.
    Map<String, Object> missing =
        Json.call(
            api,
            HttpMethod.POST,
            "/api/analysis/",
            owner.accessToken(),
            Map.of("project_name", "no-such-project", "analysis_types", List.of("security")),
            404);
    assertThat(missing).containsEntry("status_code", 404);
    Json.call(
        api, HttpMethod.GET, "/api/analysis/" + UUID.randomUUID(), owner.accessToken(), null, 404);
  }
}
