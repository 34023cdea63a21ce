package dev.shipyard.standalone.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.ActivityHistory;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.SeparateWorkers;
import dev.shipyard.worker.WorkerApplication;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 11 "Must show": the worker killed ({@code kill -9}) mid-rollout, a new worker completes it;
 * one Deployment object, one release.
 *
 * <p>The platform of this test keeps its in-process worker off {@code shipyard-deployments} (the
 * deployment workflow, its cluster calls and its rollout watch): a worker in a SEPARATE JVM ({@link
 * WorkerApplication} with this test's class path and the platform's Temporal, PostgreSQL, secrets
 * and simulated-cluster settings, {@link SeparateWorkers}) serves it. The deployment's image is one
 * the simulated cluster makes ready only after 30 s ({@code slow30s}: long enough on a loaded
 * machine); once the first worker has started watching the rollout (attempt 1) and the Deployment
 * is not ready, the JVM is killed with SIGKILL. A second worker JVM takes over: Temporal times the
 * watch's attempt out (its heartbeat timeout) and runs it again there, and the workflow goes on
 * from its history on the new worker.
 */
class DeploymentWorkerKilledTest {

  /** Generous: a worker JVM can take two minutes to start on a loaded 2-core machine. */
  private static final Duration DEADLINE = Duration.ofMinutes(6);

  private static final Set<String> QUEUES = Set.of(TaskQueues.DEPLOYMENTS);

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
  void aRolloutWhoseWorkerIsKilledIsCompletedByAnotherWorkerWithOneDeploymentAndOneRelease(
      @TempDir Path tmp) throws Exception {
    platform =
        LocalPlatformExtension.startIsolated(
            tmp.resolve("data"), SeparateWorkers.queuesElsewhere(QUEUES));
    workers = new SeparateWorkers(platform);
    WebTestClient api = LocalPlatformExtension.client(platform);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    Account owner = Accounts.register(api, "rollkill");

    Process first = workers.start(tmp.resolve("worker-1.log"), QUEUES);
    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments",
            owner.accessToken(),
            Map.of(
                "app_name",
                "slowshop",
                "image",
                "registry.example/acme/shop:slow30s",
                "port",
                8080,
                "replicas",
                2),
            201);
    String id = (String) created.get("id");
    String namespace = "shipyard-" + owner.id();
    String workflowId = DeploymentTarget.workflowId(id);

    WorkflowClient temporal = platform.workerContext().getBean(WorkflowClient.class);
    poll(
        () -> {
          assertThat(first.isAlive()).as("the first worker JVM runs").isTrue();
          Deployment d = deployment(namespace);
          Integer ready =
              d == null || d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
          return d != null && (ready == null || ready < 2) && watchStarted(temporal, workflowId)
              ? true
              : null;
        },
        "the rollout under way, watched by the first worker");
    assertThat(phase(jdbc, workflowId)).isEqualTo("deploying");

    first.destroyForcibly(); // SIGKILL
    first.waitFor();
    workers.start(tmp.resolve("worker-2.log"), QUEUES);

    poll(
        () -> "running".equals(phase(jdbc, workflowId)) ? true : null,
        "the deployment running after the second worker took over");

    List<Deployment> objects =
        platform
            .cluster()
            .client()
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withLabel(DeploymentObjects.LABEL_DEPLOYMENT, id)
            .list()
            .getItems();
    assertThat(objects).hasSize(1);
    assertThat(objects.get(0).getStatus().getReadyReplicas()).isEqualTo(2);
    List<Map<String, Object>> releases =
        jdbc.queryForList(
            "SELECT number, status FROM deployment_releases WHERE deployment_id = ?",
            UUID.fromString(id));
    assertThat(releases).hasSize(1);
    assertThat(releases.get(0)).containsEntry("number", 1).containsEntry("status", "healthy");

    // The history: every activity that completed, completed once; the watch on a later attempt.
    List<HistoryEvent> history = temporal.fetchHistory(workflowId).getHistory().getEventsList();
    ActivityHistory activities = ActivityHistory.of(history);
    activities
        .completions()
        .forEach(
            (eventId, count) ->
                assertThat(count)
                    .as("completions of %s", activities.scheduled().get(eventId))
                    .isEqualTo(1));
    assertThat(activities.scheduledAs("DeploymentClusterApply")).as("one apply").hasSize(1);
    List<Long> watches = activities.scheduledAs("DeploymentRolloutAwaitRollout");
    assertThat(watches).as("one rollout watch").hasSize(1);
    assertThat(activities.attempts().get(watches.get(0)))
        .as("the watch completed on a later attempt (the first died with its worker)")
        .isGreaterThanOrEqualTo(2);
  }

  /** Whether the rollout watch's first attempt has started (on the first worker, the only one). */
  private static boolean watchStarted(WorkflowClient temporal, String workflowId) {
    return temporal
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(temporal.getOptions().getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getPendingActivitiesList()
        .stream()
        .anyMatch(
            a ->
                a.getActivityType().getName().equals("DeploymentRolloutAwaitRollout")
                    && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                    && a.getAttempt() == 1);
  }

  private Deployment deployment(String namespace) {
    return platform
        .cluster()
        .client()
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName("slowshop")
        .get();
  }

  private static String phase(JdbcTemplate jdbc, String workflowId) {
    List<String> phases =
        jdbc.queryForList(
            "SELECT phase FROM workflow_runs WHERE workflow_id = ?", String.class, workflowId);
    return phases.isEmpty() ? null : phases.get(0);
  }

  private static <T> T poll(Supplier<T> probe, String what) {
    return Awaitility.await(what)
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .until(probe::get, java.util.Objects::nonNull);
  }
}
