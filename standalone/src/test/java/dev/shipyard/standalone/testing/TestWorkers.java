package dev.shipyard.standalone.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.analysis.AnalysisActivitiesImpl;
import dev.shipyard.activities.analysis.AnalysisSettings;
import dev.shipyard.activities.analysis.RealAnalyzers;
import dev.shipyard.activities.builds.BuildProjectActivitiesImpl;
import dev.shipyard.activities.builds.BuildRecordActivitiesImpl;
import dev.shipyard.activities.builds.BuildStepActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleEngineActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleEventActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleStorageActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleValidationActivitiesImpl;
import dev.shipyard.activities.capsules.batch.CapsuleBatchExportActivitiesImpl;
import dev.shipyard.activities.capsules.batch.JdbcCapsuleBatchRecordActivities;
import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.deployments.DeploymentCluster;
import dev.shipyard.activities.deployments.DeploymentClusterActivitiesImpl;
import dev.shipyard.activities.deployments.DeploymentRolloutActivitiesImpl;
import dev.shipyard.activities.deployments.JdbcDeploymentRecordActivities;
import dev.shipyard.activities.deployments.JdbcDeploymentSecrets;
import dev.shipyard.activities.deployments.OutboxDeploymentEvents;
import dev.shipyard.activities.projection.JdbcProjectionActivities;
import dev.shipyard.activities.sandbox.Sandboxes;
import dev.shipyard.activities.tasks.TaskEventWriter;
import dev.shipyard.activities.validation.ProjectValidator;
import dev.shipyard.activities.webhook.WebhookSendActivitiesImpl;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.WorkerRegistry.ActivityBinding;
import dev.shipyard.workflows.WorkerRegistry.WorkflowBinding;
import dev.shipyard.workflows.capsules.CapsuleStatus;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Workers on Temporal's test environment laid out as {@link WorkerRegistry} says (each workflow and
 * activity on its task queue), with the activity implementations a test chooses.
 */
public final class TestWorkers {

  private static final DeploymentCluster NO_CLUSTER =
      DeploymentCluster.of(new ClusterSettings(null, false, null, null, null, null, null));

  private TestWorkers() {}

  /**
   * Registers every workflow of the registry and, for every registered activity interface, the
   * implementation of {@code activities} that implements it (each must have one).
   */
  public static void register(TestWorkflowEnvironment env, List<Object> activities) {
    Map<String, Worker> workers = new LinkedHashMap<>();
    for (String queue : WorkerRegistry.taskQueues()) {
      workers.put(queue, env.newWorker(queue));
    }
    for (WorkflowBinding w : WorkerRegistry.WORKFLOWS) {
      workers.get(w.taskQueue()).registerWorkflowImplementationTypes(w.implementation());
    }
    for (ActivityBinding a : WorkerRegistry.ACTIVITIES) {
      Object impl =
          activities.stream()
              .filter(a.activityInterface()::isInstance)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "No implementation of " + a.activityInterface().getSimpleName()));
      workers.get(a.taskQueue()).registerActivitiesImplementations(impl);
    }
  }

  /**
   * Registers the real capsule activities around one {@code engine} and {@code validator} (webhooks
   * unsigned), on {@code blobs} and {@code jdbc}, plus the real projection, task events and build
   * activities (without a project builder) and the deployment activities (without a cluster).
   */
  public static void registerCapsules(
      TestWorkflowEnvironment env,
      GenerationEngine engine,
      ProjectValidator validator,
      BlobStore blobs,
      JdbcTemplate jdbc) {
    register(
        env,
        List.of(
            new CapsuleEngineActivitiesImpl(List.of(engine), engine.name(), blobs),
            new CapsuleValidationActivitiesImpl(name -> validator, engine.name(), blobs),
            new CapsuleStorageActivitiesImpl(blobs, jdbc),
            new CapsuleEventActivitiesImpl(jdbc),
            new CapsuleBatchExportActivitiesImpl(blobs, jdbc),
            new JdbcCapsuleBatchRecordActivities(jdbc),
            new JdbcProjectionActivities(jdbc),
            new TaskEventWriter(jdbc, new ObjectMapper()),
            new BuildProjectActivitiesImpl(List.of(engine), engine.name(), blobs, jdbc),
            new BuildStepActivitiesImpl(
                () -> null, () -> null, blobs, jdbc, new TaskEventWriter(jdbc, new ObjectMapper())),
            new BuildRecordActivitiesImpl(jdbc),
            // deployments are not run by these tests: no cluster (every cluster call refused)
            new DeploymentClusterActivitiesImpl(
                NO_CLUSTER, new JdbcDeploymentSecrets(jdbc), () -> null, Clock.systemUTC()),
            new DeploymentRolloutActivitiesImpl(
                NO_CLUSTER, Clock.systemUTC(), Duration.ofMillis(500)),
            new JdbcDeploymentRecordActivities(jdbc, new ObjectMapper()),
            new OutboxDeploymentEvents(jdbc, new ObjectMapper()),
            new WebhookSendActivitiesImpl(
                jdbc,
                new OutboundHttp(
                    OutboundGuard.strict(), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                null,
                null,
                null,
                Duration.ofDays(5),
                Clock.systemUTC(),
                new ObjectMapper(),
                null),
            // deliveries and image builds are not run by these tests: refused, typed, not retried
            new dev.shipyard.workflows.delivery.DeliveryDestinationActivities() {
              @Override
              public dev.shipyard.workflows.delivery.DestinationResult deliver(
                  dev.shipyard.workflows.delivery.DestinationRequest request) {
                throw notRunHere("deliveries");
              }
            },
            new dev.shipyard.activities.delivery.JdbcDeliveryRecordActivities(jdbc),
            new dev.shipyard.workflows.images.ImageBuildActivities() {
              @Override
              public dev.shipyard.workflows.images.BuiltImage buildAndPush(
                  dev.shipyard.workflows.images.ImageBuildRequest request) {
                throw notRunHere("image builds");
              }
            },
            new dev.shipyard.activities.images.JdbcImageRecordActivities(jdbc, new ObjectMapper()),
            new dev.shipyard.activities.charts.HelmChartValidationActivitiesImpl(
                blobs, jdbc, new ObjectMapper()),
            // analyses are not run by these tests: no sandbox, every sandboxed analyzer missing
            new AnalysisActivitiesImpl(
                new RealAnalyzers(Sandboxes.NONE, AnalysisSettings.defaults(null)),
                blobs,
                jdbc,
                new TaskEventWriter(jdbc, new ObjectMapper()),
                new ObjectMapper())));
  }

  /** The failure of an activity these tests do not run (non-retryable). */
  private static io.temporal.failure.ApplicationFailure notRunHere(String what) {
    return io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
        what + " are not run by the capsule tests' workers", "NOT_RUN_HERE");
  }

  /** A capsule's status as the API shows it, from its run in {@code workflow_runs}. */
  public static String capsuleStatus(JdbcTemplate jdbc, String capsuleId) {
    Map<String, Object> row =
        jdbc.queryForMap(
            "SELECT r.status, r.phase FROM capsules c"
                + " LEFT JOIN workflow_runs r ON r.workflow_id = c.workflow_id WHERE c.id = ?",
            capsuleId);
    return CapsuleStatus.of(RunStatus.of((String) row.get("status")), (String) row.get("phase"))
        .value();
  }
}
