package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.analysis.AnalysisActivitiesImpl;
import dev.shipyard.activities.analysis.AnalysisSettings;
import dev.shipyard.activities.analysis.RealAnalyzers;
import dev.shipyard.activities.builds.BuildProjectActivitiesImpl;
import dev.shipyard.activities.builds.BuildStepActivitiesImpl;
import dev.shipyard.activities.builds.BuildWorkspaces;
import dev.shipyard.activities.builds.ProjectBuilder;
import dev.shipyard.activities.capsules.CapsuleEngineActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleStorageActivitiesImpl;
import dev.shipyard.activities.capsules.CapsuleValidationActivitiesImpl;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.activities.deployments.DeploymentCluster;
import dev.shipyard.activities.deployments.DeploymentClusterActivitiesImpl;
import dev.shipyard.activities.deployments.DeploymentRolloutActivitiesImpl;
import dev.shipyard.activities.sandbox.Sandboxes;
import dev.shipyard.activities.tasks.TaskEventWriter;
import dev.shipyard.activities.validation.ProjectValidator;
import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.cluster.SimulatedCluster;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.ActivityProfile;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.analysis.AnalysisActivities;
import dev.shipyard.workflows.analysis.AnalysisRequest;
import dev.shipyard.workflows.builds.BuildProjectActivities;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.BuildStepActivities;
import dev.shipyard.workflows.builds.PreparedProject;
import dev.shipyard.workflows.capsules.CapsuleEngineActivities;
import dev.shipyard.workflows.capsules.CapsuleStorageActivities;
import dev.shipyard.workflows.capsules.CapsuleValidationActivities;
import dev.shipyard.workflows.capsules.FileSet;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.Iteration;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationSummary;
import dev.shipyard.workflows.deployments.Applied;
import dev.shipyard.workflows.deployments.ApplyRequest;
import dev.shipyard.workflows.deployments.DeploymentRolloutActivities;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.RolloutRequest;
import dev.shipyard.workflows.deployments.RolloutResult;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every activity method whose registered profile has a heartbeat timeout heartbeats: each runs for
 * real (offline engine, real checks, the platform's S3 and PostgreSQL) on Temporal's activity test
 * environment, which counts the heartbeats it receives. A method of a long-profile interface that
 * this test does not run, or that runs without a heartbeat, fails it.
 */
@ExtendWith(LocalPlatformExtension.class)
class LongActivityHeartbeatTest {

  private TestActivityEnvironment env;
  private final Map<String, Integer> beats = new ConcurrentHashMap<>();
  private volatile String current;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.setActivityHeartbeatListener(
        String.class,
        stage -> {
          String method = current;
          if (method != null) {
            beats.merge(method, 1, Integer::sum);
          }
        });
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void everyLongActivityMethodHeartbeats(LocalPlatform platform) {
    BlobStore blobs = platform.workerContext().getBean(BlobStore.class);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    ProjectValidator validator = platform.workerContext().getBean(ProjectValidator.class);
    env.registerActivitiesImplementations(
        new CapsuleEngineActivitiesImpl(List.of(new OfflineEngine()), OfflineEngine.NAME, blobs),
        new CapsuleValidationActivitiesImpl(name -> validator, OfflineEngine.NAME, blobs),
        new CapsuleStorageActivitiesImpl(blobs, jdbc),
        new AnalysisActivitiesImpl(
            new RealAnalyzers(Sandboxes.NONE, AnalysisSettings.defaults(null)),
            blobs,
            jdbc,
            new TaskEventWriter(jdbc, new ObjectMapper()),
            new ObjectMapper()));
    CapsuleEngineActivities engine = stub(CapsuleEngineActivities.class);
    CapsuleValidationActivities validation = stub(CapsuleValidationActivities.class);
    CapsuleStorageActivities storage = stub(CapsuleStorageActivities.class);
    GenerationRequest request = request();

    ProjectPlan plan = run(CapsuleEngineActivities.class, "plan", () -> engine.plan(request));
    FileSet files =
        run(CapsuleEngineActivities.class, "generate", () -> engine.generate(request, plan));
    ValidationSummary report =
        run(
            CapsuleValidationActivities.class,
            "validate",
            () -> validation.validate(request, plan, files));
    run(CapsuleEngineActivities.class, "refine", () -> engine.refine(request, plan, files, report));
    run(
        CapsuleStorageActivities.class,
        "store",
        () -> storage.store(request, plan, files, report, List.<Iteration>of()));
    AnalysisActivities analysis = stub(AnalysisActivities.class);
    run(
        AnalysisActivities.class,
        "analyze",
        () ->
            analysis.analyze(
                new AnalysisRequest(
                    UUID.randomUUID().toString(),
                    "default",
                    request.userId(),
                    "heartbeat",
                    "heartbeat",
                    request.capsuleId(),
                    null,
                    files.manifestKey(),
                    List.of("security"))));

    // Batch export: one capsule's export step (this capsule has no row: a failed item, after the
    // step's first heartbeat)
    env.registerActivitiesImplementations(
        new dev.shipyard.activities.capsules.batch.CapsuleBatchExportActivitiesImpl(blobs, jdbc));
    dev.shipyard.workflows.capsules.batch.CapsuleBatchExportActivities batch =
        stub(dev.shipyard.workflows.capsules.batch.CapsuleBatchExportActivities.class);
    run(
        dev.shipyard.workflows.capsules.batch.CapsuleBatchExportActivities.class,
        "exportCapsule",
        () ->
            batch.exportCapsule(
                new dev.shipyard.workflows.capsules.batch.ExportItemRequest(
                    UUID.randomUUID().toString(),
                    "default",
                    request.userId(),
                    false,
                    "zip",
                    request.capsuleId(),
                    null)));

    // Delivery: the destination step as the worker assembles it (every provider), for a version
    // that does not exist: CONTENT_MISSING, after the step's first heartbeat
    env.registerActivitiesImplementations(
        platform
            .workerContext()
            .getBean(dev.shipyard.activities.delivery.DeliveryDestinationActivitiesImpl.class));
    dev.shipyard.workflows.delivery.DeliveryDestinationActivities delivery =
        stub(dev.shipyard.workflows.delivery.DeliveryDestinationActivities.class);
    try {
      run(
          dev.shipyard.workflows.delivery.DeliveryDestinationActivities.class,
          "deliver",
          () ->
              delivery.deliver(
                  new dev.shipyard.workflows.delivery.DestinationRequest(
                      UUID.randomUUID().toString(),
                      request.capsuleId(),
                      "ver-heartbeat-none",
                      "default",
                      request.userId(),
                      new dev.shipyard.workflows.delivery.DeliveryTarget(
                          0, "s3", "bucket", Map.of(), null))));
      throw new AssertionError("a delivery of a missing version succeeded");
    } catch (io.temporal.failure.ActivityFailure e) {
      assertThat(((io.temporal.failure.ApplicationFailure) e.getCause()).getType())
          .isEqualTo("CONTENT_MISSING");
    }

    // Images: the worker's build-and-push step on the stored files (whether or not a registry is
    // configured for the test platform, the step heartbeats from its start)
    env.registerActivitiesImplementations(
        platform
            .workerContext()
            .getBean(dev.shipyard.activities.images.ImageBuildActivitiesImpl.class));
    dev.shipyard.workflows.images.ImageBuildActivities images =
        stub(dev.shipyard.workflows.images.ImageBuildActivities.class);
    try {
      run(
          dev.shipyard.workflows.images.ImageBuildActivities.class,
          "buildAndPush",
          () ->
              images.buildAndPush(
                  new dev.shipyard.workflows.images.ImageBuildRequest(
                      UUID.randomUUID().toString(),
                      "default",
                      request.userId(),
                      request.capsuleId(),
                      "ver-heartbeat",
                      1,
                      files.manifestKey(),
                      "0".repeat(64),
                      "heartbeat/app",
                      "1")));
    } catch (io.temporal.failure.ActivityFailure noRegistry) {
      // the heartbeat is what counts here
    }

    // Helm charts: the validation step for a package that is not stored: PACKAGE_MISSING, after
    // the step's first heartbeat
    env.registerActivitiesImplementations(
        new dev.shipyard.activities.charts.HelmChartValidationActivitiesImpl(
            blobs, jdbc, new ObjectMapper()));
    dev.shipyard.workflows.charts.HelmChartValidationActivities charts =
        stub(dev.shipyard.workflows.charts.HelmChartValidationActivities.class);
    try {
      run(
          dev.shipyard.workflows.charts.HelmChartValidationActivities.class,
          "validate",
          () ->
              charts.validate(
                  new dev.shipyard.workflows.charts.HelmChartValidationRequest(
                      "helm-chart-heartbeat@1.0.0",
                      UUID.randomUUID().toString(),
                      "heartbeat",
                      "1.0.0",
                      "default",
                      request.userId(),
                      "charts/heartbeat/missing.tgz",
                      "charts/heartbeat/rendered.yaml")));
      throw new AssertionError("a chart without a package was validated");
    } catch (io.temporal.failure.ActivityFailure e) {
      assertThat(((io.temporal.failure.ApplicationFailure) e.getCause()).getType())
          .isEqualTo("PACKAGE_MISSING");
    }

    // Builds: the project step (generation) and the build step (a real pytest run, whose
    // generated tests may fail on Debian's FastAPI: the step's heartbeats are what counts here).
    env.registerActivitiesImplementations(
        new BuildProjectActivitiesImpl(
            List.of(new OfflineEngine()), OfflineEngine.NAME, blobs, jdbc),
        new BuildStepActivitiesImpl(
            () -> platform.workerContext().getBean(ProjectBuilder.class),
            () -> platform.workerContext().getBean(BuildWorkspaces.class),
            blobs,
            jdbc,
            new TaskEventWriter(jdbc, new com.fasterxml.jackson.databind.ObjectMapper())));
    BuildProjectActivities project = stub(BuildProjectActivities.class);
    BuildStepActivities step = stub(BuildStepActivities.class);
    Map<String, Object> user = jdbc.queryForMap("SELECT id, tenant_id FROM users LIMIT 1");
    BuildRequest build =
        new BuildRequest(
            java.util.UUID.randomUUID().toString(),
            (String) user.get("tenant_id"),
            user.get("id").toString(),
            "heartbeat",
            "heartbeat-build",
            "Create a FastAPI service for products",
            Map.of("framework", "fastapi"),
            null);
    PreparedProject prepared =
        run(BuildProjectActivities.class, "prepare", () -> project.prepare(build));
    run(
        BuildStepActivities.class,
        "run",
        () -> {
          try {
            return step.run(build, prepared);
          } catch (io.temporal.failure.ActivityFailure failedTests) {
            return null;
          }
        });

    // Deployments: a rollout watched on the platform's simulated cluster.
    rollout(platform);

    assertThat(silentLongMethods())
        .as("long-profile activity methods without a heartbeat")
        .isEmpty();
  }

  private void rollout(LocalPlatform platform) {
    SimulatedCluster cluster = platform.cluster();
    ClusterSettings settings =
        new ClusterSettings(null, false, cluster.url(), null, null, null, null);
    DeploymentCluster target = new DeploymentCluster(settings, cluster.client());
    String id = UUID.randomUUID().toString();
    DeploymentObjects objects =
        DeploymentObjects.of(settings, id, UUID.randomUUID().toString(), "heartbeat");
    DeploymentTarget where =
        new DeploymentTarget(
            id, objects.ownerId(), objects.appName(), objects.namespace(), objects.name());
    Applied applied =
        new DeploymentClusterActivitiesImpl(target, (d, r) -> null, () -> null, Clock.systemUTC())
            .apply(
                new ApplyRequest(
                    where,
                    new DeploymentSpec(
                        "acme/heartbeat:1", 8080, 1, null, List.of(), 1, false, null),
                    List.of(),
                    List.of(),
                    1,
                    30));
    env.registerActivitiesImplementations(
        new DeploymentRolloutActivitiesImpl(target, Clock.systemUTC(), Duration.ofMillis(200)));
    DeploymentRolloutActivities rollouts =
        env.newActivityStub(
            DeploymentRolloutActivities.class, ActivityProfile.ROLLOUT_WATCH.options());
    RolloutResult result =
        run(
            DeploymentRolloutActivities.class,
            "awaitRollout",
            () -> rollouts.awaitRollout(new RolloutRequest(where, applied.generation(), 1, 30)));
    assertThat(result.complete()).isTrue();
  }

  /** The check is real: a long step that does not go through the heartbeat helper is caught. */
  @Test
  void aLongStepThatNeverHeartbeatsIsCaught() {
    env.registerActivitiesImplementations(new SilentStorage());
    CapsuleStorageActivities storage = stub(CapsuleStorageActivities.class);

    run(
        CapsuleStorageActivities.class,
        "store",
        () -> storage.store(request(), null, null, null, List.of()));

    assertThat(beats).doesNotContainKey("CapsuleStorageActivities.store");
    assertThat(silentLongMethods()).contains("CapsuleStorageActivities.store");
  }

  /** Every method of every long-profile interface of the registry that sent no heartbeat. */
  private List<String> silentLongMethods() {
    List<String> silent = new ArrayList<>();
    for (WorkerRegistry.ActivityBinding binding : WorkerRegistry.ACTIVITIES) {
      if (!binding.profile().heartbeats()) {
        continue;
      }
      TreeSet<String> names = new TreeSet<>();
      for (Method m : binding.activityInterface().getMethods()) {
        names.add(binding.activityInterface().getSimpleName() + "." + m.getName());
      }
      names.stream().filter(n -> beats.getOrDefault(n, 0) == 0).forEach(silent::add);
    }
    return silent;
  }

  private <T> T stub(Class<T> activityInterface) {
    return env.newActivityStub(activityInterface, WorkerRegistry.options(activityInterface));
  }

  private <T> T run(Class<?> activityInterface, String method, Supplier<T> call) {
    current = activityInterface.getSimpleName() + "." + method;
    try {
      return call.get();
    } finally {
      current = null;
    }
  }

  private static GenerationRequest request() {
    return new GenerationRequest(
        "cap-heartbeat",
        "req-heartbeat",
        "default",
        "00000000-0000-0000-0000-000000000000",
        "Create a FastAPI microservice for user management",
        "authentication, CRUD, Docker",
        Map.of("language", "python", "framework", "fastapi"),
        0.9,
        2,
        OfflineEngine.NAME,
        null);
  }

  /** A storage step that does its work without the heartbeat helper. */
  static final class SilentStorage implements CapsuleStorageActivities {
    @Override
    public String store(
        GenerationRequest request,
        ProjectPlan plan,
        FileSet files,
        ValidationSummary report,
        List<Iteration> iterations) {
      return "capsules/" + request.capsuleId() + "/versions/v1.json";
    }
  }
}
