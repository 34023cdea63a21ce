// Benchmark helper, not product code: run by bench/build-cancel.sh with Java's source launcher
// against the classes of the platform jar (BOOT-INF/classes and BOOT-INF/lib/*).
//
// It runs the local platform IN THIS JVM (LocalPlatform, configured from the environment exactly as
// ShipyardLocal, the jar's main class, does), because a build whose test step is long needs a
// stored capsule whose test waits, and storing one needs the platform's BlobStore and database
// (the embedded S3 server's credentials are generated per run and never leave the platform), as
// BuildsApiTest does. Everything measured goes through HTTP on 127.0.0.1.
//
// For each of N builds, one after another: store a capsule whose only test waits for a file never
// created; POST /api/build/; wait until the pytest process of that build runs (found in /proc: a
// pytest command line with --junitxml whose working directory holds the build's marker test file)
// and the build's status is `running`; pause 0 to 2 s at random (the heartbeat phase); DELETE /api/build/{id}; from the instant the DELETE is
// answered, one thread polls the process every 5 ms (until /proc/<pid> is gone or a zombie) and
// another polls GET /api/build/{id} every 5 ms (until `cancelled`).
//
// Arguments: builds
// Prints one line per build: ROW,<i>,<pause_ms>,<delete_ms>,<process_gone_ms>,<status_cancelled_ms>,<status>

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.capsules.FileSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

public class BuildCancelBench {

  static HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  static String api;
  static final java.util.Random RANDOM = new java.util.Random(10);

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  static void run(String[] args) throws Exception {
    int builds = Integer.parseInt(args[0]);
    LocalPlatform platform =
        new LocalPlatform(LocalPlatform.Settings.fromEnvironment(System.getenv()));
    platform.start();
    try {
      api = platform.endpoints().apiUrl();
      System.out.println("INFO,platform ready at " + api);
      String password = "Bench-" + System.currentTimeMillis() + "-pass";
      String username = "canceller-" + ProcessHandle.current().pid();
      String registered =
          call(
              "POST",
              "/v1/auth/register",
              null,
              "{\"username\":\""
                  + username
                  + "\",\"email\":\""
                  + username
                  + "@example.test\",\"password\":\""
                  + password
                  + "\",\"confirm_password\":\""
                  + password
                  + "\"}",
              201);
      String token = field(registered, "access_token");
      String userId = field(registered.substring(registered.indexOf("\"user\"")), "id");
      String tenantId = field(registered.substring(registered.indexOf("\"user\"")), "tenant_id");
      for (int i = 1; i <= builds; i++) {
        System.out.println("ROW," + i + "," + once(platform, token, tenantId, userId, i));
        System.out.flush();
      }
    } finally {
      platform.close();
    }
  }

  static String once(LocalPlatform platform, String token, String tenantId, String userId, int i)
      throws Exception {
    String project = "slow-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
    String marker = "test_waits_" + project.replace('-', '_') + ".py";
    storeCapsule(platform, tenantId, userId, project, marker);
    String created =
        call(
            "POST",
            "/api/build/",
            token,
            "{\"project_name\":\"" + project + "\",\"goal\":\"Run the tests\"}",
            202);
    String taskId = field(created, "task_id");
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    ProcessHandle pytest = null;
    while (pytest == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no pytest process for build " + taskId);
      }
      pytest = findPytestWith(marker);
      if (pytest == null) {
        String status = field(call("GET", "/api/build/" + taskId, token, null, 200), "status");
        if (!status.equals("initializing") && !status.equals("running")) {
          throw new IllegalStateException("build " + taskId + " ended " + status);
        }
        Thread.sleep(20);
      }
    }
    while (!field(call("GET", "/api/build/" + taskId, token, null, 200), "status")
        .equals("running")) {
      Thread.sleep(5);
    }
    // The step learns of a cancel at its next heartbeat, and the SDK sends at most one heartbeat
    // per 1.6 s (80 % of the 2 s heartbeat timeout): a DELETE sent right when the test run starts
    // would always meet the same phase of that cycle. A random pause of 0 to 2 s samples it.
    long pauseMs = RANDOM.nextInt(2000);
    Thread.sleep(pauseMs);
    long sent = System.nanoTime();
    call("DELETE", "/api/build/" + taskId, token, null, 200);
    long answered = System.nanoTime();
    ProcessHandle process = pytest;
    CompletableFuture<Long> gone =
        CompletableFuture.supplyAsync(
            () -> {
              Path proc = Path.of("/proc", Long.toString(process.pid()));
              while (System.nanoTime() - answered < Duration.ofSeconds(60).toNanos()) {
                if (!Files.exists(proc) || zombie(proc)) {
                  return System.nanoTime();
                }
                sleep5();
              }
              return -1L;
            });
    String status = "";
    long cancelledAt = -1;
    while (System.nanoTime() - answered < Duration.ofSeconds(120).toNanos()) {
      status = field(call("GET", "/api/build/" + taskId, token, null, 200), "status");
      if (!status.equals("initializing") && !status.equals("running")) {
        cancelledAt = System.nanoTime();
        break;
      }
      sleep5();
    }
    long goneAt = gone.get();
    return String.format(
        "%d,%.1f,%s,%s,%s",
        pauseMs,
        (answered - sent) / 1e6,
        goneAt < 0 ? "NA" : String.format("%.1f", (goneAt - answered) / 1e6),
        cancelledAt < 0 ? "NA" : String.format("%.1f", (cancelledAt - answered) / 1e6),
        status);
  }

  static boolean zombie(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (Exception e) {
      return true; // gone between the two reads
    }
  }

  static void sleep5() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** As BuildsApiTest.storeCapsule: the files in object storage, the rows in PostgreSQL. */
  static void storeCapsule(
      LocalPlatform platform, String tenantId, String userId, String project, String marker) {
    FileSet set =
        new ProjectFiles(platform.workerContext().getBean(BlobStore.class))
            .save(
                List.of(
                    new SourceFile("README.md", "A project whose test waits for a file\n"),
                    new SourceFile(
                        "tests/" + marker,
                        "import os\nimport time\n\n\n"
                            + "def test_waits_for_a_file_that_never_appears():\n"
                            + "    print(\"waiting\", flush=True)\n"
                            + "    while not os.path.exists(\"never-created.flag\"):\n"
                            + "        time.sleep(0.05)\n")));
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    String id = "cap-" + project;
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, project_name,"
            + " engine, target_score, workflow_id, file_count, manifest_key, version_key)"
            + " VALUES (?, ?, ?, ?, 'a slow project', ?, 'offline', 0.9, ?, ?, ?, ?)",
        id,
        "req-" + project,
        tenantId,
        UUID.fromString(userId),
        project,
        "capsule-" + id,
        set.fileCount(),
        set.manifestKey(),
        "capsules/" + id + "/versions/v1.json");
    jdbc.update(
        "INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase,"
            + " sequence) VALUES (?, 'capsule-generation', ?, ?, 'completed', 'stored', 1)",
        "capsule-" + id,
        tenantId,
        userId);
  }

  static ProcessHandle findPytestWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains("pytest") && c.contains("--junitxml"))
                    .orElse(false))
        .filter(
            p -> {
              try {
                Path cwd = Path.of("/proc", Long.toString(p.pid()), "cwd").toRealPath();
                return Files.exists(cwd.resolve("tests").resolve(marker));
              } catch (Exception e) {
                return false;
              }
            })
        .findFirst()
        .orElse(null);
  }

  static String call(String method, String path, String token, String body, int expected)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }
}
