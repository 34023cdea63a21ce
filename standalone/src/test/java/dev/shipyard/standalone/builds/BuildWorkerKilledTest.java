package dev.shipyard.standalone.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.ActivityHistory;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.SeparateWorkers;
import dev.shipyard.standalone.testing.StoredCapsules;
import dev.shipyard.worker.WorkerApplication;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.builds.BuildOutcome;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.BuildStatus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 10 "Must show": the worker killed ({@code kill -9}) mid-build, a new worker finishes the
 * build; one result, no duplicate steps.
 *
 * <p>The platform of this test (its own, on free ports) keeps its in-process worker off the queues
 * of the build workflow and of the build step ({@code shipyard-builds}, {@code shipyard-cpu}):
 * those are served by a worker in a SEPARATE JVM ({@link WorkerApplication}, the worker image's
 * main, started with this test's class path and the platform's Temporal, PostgreSQL and S3
 * settings). Once the build's test run (a real pytest process in the sandbox, a descendant of that
 * JVM) is running, the JVM is killed with SIGKILL ({@link Process#destroyForcibly()}); the sandbox
 * dies with it. A second worker JVM is started; Temporal times the step's attempt out (heartbeat
 * timeout) and retries it there, and the workflow continues on the new worker.
 *
 * <p>"No duplicate steps", precisely: in the workflow's history every activity scheduled completed
 * exactly once (the build step with {@code attempt 2}: the killed attempt never completed), the
 * workflow completed once, and the build has one {@code completion} task event, the last one. A
 * retried step may report its progress again: progress events are not counted.
 */
class BuildWorkerKilledTest {

  private static final Duration DEADLINE = Duration.ofMinutes(4);

  private static final Set<String> QUEUES = Set.of(TaskQueues.BUILDS, TaskQueues.CPU);

  private SeparateWorkers workers;
  private LocalPlatform platform;

  @AfterEach
  void stop() {
    if (workers != null) {
      workers.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aBuildWhoseWorkerIsKilledMidStepIsFinishedByAnotherWorkerOnce(@TempDir Path tmp)
      throws Exception {
    platform =
        LocalPlatformExtension.startIsolated(
            tmp.resolve("data"), SeparateWorkers.queuesElsewhere(QUEUES));
    workers = new SeparateWorkers(platform);
    WebTestClient api = LocalPlatformExtension.client(platform);
    Account owner = Accounts.register(api, "killed");
    String project = Accounts.unique("slowpass");
    String marker = "test_sleeps_" + project.replace('-', '_') + ".py";
    String testName = "test_passes_after_a_while";
    StoredCapsules.store(
        platform,
        owner,
        project,
        List.of(
            new SourceFile("README.md", "A project whose one test takes a while, then passes\n"),
            // conftest.py at the root puts the root on pytest's path; app/ gives coverage.py data.
            new SourceFile("conftest.py", ""),
            new SourceFile("app/__init__.py", ""),
            new SourceFile("app/calc.py", "def add(a, b):\n    return a + b\n"),
            new SourceFile(
                "tests/" + marker,
                """
                import time

                from app.calc import add


                def %s():
                    time.sleep(8)
                    assert add(2, 3) == 5
                """
                    .formatted(testName))));

    Process first = workers.start(tmp.resolve("worker-1.log"), QUEUES);
    String taskId =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/api/build/",
                    owner.accessToken(),
                    Map.of("project_name", project, "goal", "Run the tests"),
                    202)
                .get("task_id");

    ProcessHandle pytest =
        poll(
            () -> {
              assertThat(first.isAlive()).as("the first worker JVM runs").isTrue();
              return findPytestWith(marker);
            },
            "the pytest process of the build");
    assertThat(isDescendantOf(pytest, first.pid()))
        .as("the test run is a child of the separate worker JVM")
        .isTrue();
    assertThat(
            Json.call(api, HttpMethod.GET, "/api/build/" + taskId, owner.accessToken(), null, 200))
        .containsEntry("status", "running");

    first.destroyForcibly(); // SIGKILL
    first.waitFor();
    poll(() -> pytest.isAlive() ? null : true, "the sandboxed test run gone with its worker");

    workers.start(tmp.resolve("worker-2.log"), QUEUES);
    Map<String, Object> build =
        poll(
            () -> {
              Map<String, Object> b =
                  Json.call(
                      api, HttpMethod.GET, "/api/build/" + taskId, owner.accessToken(), null, 200);
              return List.of("completed", "failed", "cancelled").contains(b.get("status"))
                  ? b
                  : null;
            },
            "the build's end");
    assertThat(build).as("%s", build).containsEntry("status", "completed");
    Map<String, Object> results = (Map<String, Object>) build.get("results");
    assertThat(results)
        .as("%s", results)
        .containsEntry("tests_passed", 1)
        .containsEntry("tests_failed", 0);
    assertThat((List<String>) results.get("test_names")).containsExactly(testName);

    // The history: every activity completed once; the build step on its second attempt.
    WorkflowClient temporal = platform.workerContext().getBean(WorkflowClient.class);
    // The status is recorded by an activity just before the workflow returns: wait for its close.
    BuildOutcome outcome =
        temporal
            .newUntypedWorkflowStub(BuildRequest.workflowId(taskId))
            .getResult(DEADLINE.toSeconds(), TimeUnit.SECONDS, BuildOutcome.class);
    assertThat(outcome.status()).isEqualTo(BuildStatus.COMPLETED);
    // One completion event, the last one (it is appended after the status is recorded).
    Map<String, Object> page =
        Json.call(
            api,
            HttpMethod.GET,
            "/api/build/" + taskId + "/events?limit=500",
            owner.accessToken(),
            null,
            200);
    List<Map<String, Object>> events = (List<Map<String, Object>>) page.get("events");
    assertThat(events.stream().filter(e -> "completion".equals(e.get("type"))).count())
        .isEqualTo(1);
    assertThat(events.get(events.size() - 1)).containsEntry("type", "completion");

    List<HistoryEvent> history =
        temporal.fetchHistory(BuildRequest.workflowId(taskId)).getHistory().getEventsList();
    ActivityHistory activities = ActivityHistory.of(history);
    activities
        .scheduled()
        .forEach(
            (id, type) ->
                assertThat(activities.completions().getOrDefault(id, 0))
                    .as("activity %s (scheduled as event %d) completions", type, id)
                    .isEqualTo(1));
    List<Long> steps = activities.scheduledAs("BuildStepRun");
    assertThat(steps).as("the build step is scheduled once").hasSize(1);
    assertThat(activities.attempts().get(steps.get(0)))
        .as("the build step completed on a later attempt (the first died with its worker)")
        .isGreaterThanOrEqualTo(2);
    assertThat(
            history.stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
                .count())
        .isEqualTo(1);
  }

  private static boolean isDescendantOf(ProcessHandle p, long ancestor) {
    for (Optional<ProcessHandle> h = p.parent(); h.isPresent(); h = h.get().parent()) {
      if (h.get().pid() == ancestor) {
        return true;
      }
    }
    return false;
  }

  /** The pytest test run whose working directory holds {@code tests/<marker>}, or null. */
  private static ProcessHandle findPytestWith(String marker) {
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
              } catch (Exception ex) {
                return false;
              }
            })
        .findFirst()
        .orElse(null);
  }

  /** As BuildsApiTest: a stored capsule of {@code owner} named {@code project}. */
  private static <T> T poll(Supplier<T> probe, String what) {
    return Awaitility.await(what)
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .until(probe::get, java.util.Objects::nonNull);
  }
}
