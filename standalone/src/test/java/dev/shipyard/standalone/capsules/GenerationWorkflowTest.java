package dev.shipyard.standalone.capsules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.activities.validation.ProjectValidator;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.TestWorkers;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.capsules.CapsuleGenerationWorkflow;
import dev.shipyard.workflows.capsules.CapsuleGenerationWorkflowImpl;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.GenerationResult;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The generation workflow with its real activities (offline engine, real-checks validator, the
 * platform's S3 server and PostgreSQL), on Temporal's in-memory test environment so a test can plug
 * in an engine that plants a broken file or blocks until cancelled. Each run is replayed.
 */
@ExtendWith(LocalPlatformExtension.class)
class GenerationWorkflowTest {

  private TestWorkflowEnvironment env;
  private JdbcTemplate jdbc;
  private BlobStore blobs;
  private ProjectValidator validator;
  private OfflineEngine offline;

  @BeforeEach
  void setUp(LocalPlatform platform) {
    env = TestWorkflowEnvironment.newInstance();
    ShipyardSearchAttributes.ALL.forEach(
        key ->
            env.registerSearchAttribute(
                key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    blobs = platform.workerContext().getBean(BlobStore.class);
    validator = platform.workerContext().getBean(ProjectValidator.class);
    offline = new OfflineEngine();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aPlantedBrokenFileLowersTheScoreAndRefinementRepairsIt(WebTestClient api) throws Exception {
    PlantingEngine planting = new PlantingEngine(offline);
    WorkflowClient client = start(planting);
    GenerationRequest request = request(api, planting.name());

    CapsuleGenerationWorkflow workflow = stub(client, request);
    GenerationResult result = workflow.generate(request);

    assertThat(result.iterations()).hasSizeGreaterThanOrEqualTo(2);
    var first = result.iterations().get(0);
    assertThat(first.phase()).isEqualTo("generate");
    // A failed compile check is blocking: whatever the score, the project is not production-ready.
    assertThat(first.productionReady()).isFalse();
    assertThat(first.issues()).anyMatch(i -> i.contains(planting.broken));
    var last = result.iterations().get(result.iterations().size() - 1);
    assertThat(last.phase()).isEqualTo("refine");
    assertThat(last.productionReady()).isTrue();
    assertThat(result.validation().score()).isGreaterThan(first.score()).isEqualTo(last.score());

    // The stored file is the repaired one, and it passes the real compile check now.
    List<SourceFile> stored = new ProjectFiles(blobs).load(result.files());
    SourceFile repaired =
        stored.stream().filter(f -> f.path().equals(planting.broken)).findFirst().orElseThrow();
    assertThat(repaired.content()).doesNotContain(PlantingEngine.BROKEN);
    ValidationReport again = validator.validate(result.plan(), stored, request.targetScore());
    assertThat(again.checks())
        .filteredOn(c -> planting.broken.equals(c.file()))
        .allMatch(c -> c.status() == CheckStatus.PASSED);

    assertThat(TestWorkers.capsuleStatus(jdbc, request.capsuleId())).isEqualTo("stored");
    assertThat(
            jdbc.queryForObject(
                "SELECT refinement_iterations FROM capsules WHERE id = ?",
                Integer.class,
                request.capsuleId()))
        .isEqualTo(result.iterations().size() - 1);

    WorkflowReplayer.replayWorkflowExecution(
        client.fetchHistory(request.workflowId()), CapsuleGenerationWorkflowImpl.class);
  }

  @Test
  void cancellingStopsTheGenerationAndMarksTheCapsuleCancelled(WebTestClient api) throws Exception {
    BlockingEngine blocking = new BlockingEngine(offline);
    WorkflowClient client = start(blocking);
    GenerationRequest request = request(api, blocking.name());

    CapsuleGenerationWorkflow workflow = stub(client, request);
    WorkflowClient.start(workflow::generate, request);
    assertThat(blocking.entered.await(30, TimeUnit.SECONDS)).as("generation started").isTrue();
    assertThat(workflow.progress().status().value()).isEqualTo("generating");

    WorkflowStub.fromTyped(workflow).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(GenerationResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(TestWorkers.capsuleStatus(jdbc, request.capsuleId())).isEqualTo("cancelled");
    // The engine's thread was interrupted: the step stopped instead of running on.
    assertThat(blocking.interrupted.await(30, TimeUnit.SECONDS)).isTrue();

    WorkflowReplayer.replayWorkflowExecution(
        client.fetchHistory(request.workflowId()), CapsuleGenerationWorkflowImpl.class);
  }

  private WorkflowClient start(GenerationEngine engine) {
    TestWorkers.registerCapsules(env, engine, validator, blobs, jdbc);
    env.start();
    return env.getWorkflowClient();
  }

  private static CapsuleGenerationWorkflow stub(WorkflowClient client, GenerationRequest request) {
    return client.newWorkflowStub(
        CapsuleGenerationWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(request.workflowId())
            .setTaskQueue(TaskQueues.CAPSULES)
            .build());
  }

  /** A capsule row owned by a fresh user, and the request for it. */
  private GenerationRequest request(WebTestClient api, String engine) {
    Accounts.Account owner = Accounts.register(api, "wf");
    String capsuleId = "cap-test-" + UUID.randomUUID().toString().substring(0, 8);
    GenerationRequest request =
        new GenerationRequest(
            capsuleId,
            "req-" + capsuleId,
            owner.tenantId(),
            owner.id(),
            "Create a FastAPI microservice for user management",
            "Must include authentication, CRUD operations, and Docker deployment",
            Map.of("language", "python", "framework", "fastapi"),
            0.9,
            4,
            engine,
            null);
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, engine,"
            + " target_score, workflow_id) VALUES (?, ?, ?, ?, ?, ?, 0.9, ?)",
        capsuleId,
        request.requestId(),
        owner.tenantId(),
        UUID.fromString(owner.id()),
        request.description(),
        engine,
        request.workflowId());
    return request;
  }

  /** The offline engine, with one Python source broken in its first output. */
  static final class PlantingEngine implements GenerationEngine {
    static final String BROKEN = "def broken(:\n    return\n";
    private final OfflineEngine offline;
    volatile String broken;

    PlantingEngine(OfflineEngine offline) {
      this.offline = offline;
    }

    @Override
    public String name() {
      return "planting";
    }

    @Override
    public ProjectPlan plan(GenerationSpec spec) {
      return offline.plan(spec);
    }

    @Override
    public List<SourceFile> generate(ProjectPlan plan, GenerationSpec spec) {
      List<SourceFile> files = new ArrayList<>(offline.generate(plan, spec));
      for (int i = 0; i < files.size(); i++) {
        SourceFile f = files.get(i);
        if (f.path().endsWith(".py") && !f.path().contains("test") && f.content().length() > 50) {
          broken = f.path();
          files.set(i, new SourceFile(f.path(), BROKEN + f.content()));
          return files;
        }
      }
      throw new AssertionError("no Python source to break");
    }

    @Override
    public List<SourceFile> refine(
        ProjectPlan plan, GenerationSpec spec, List<SourceFile> files, ValidationReport report) {
      return offline.refine(plan, spec, files, report);
    }
  }

  /** An engine whose generation waits until it is interrupted (by a cancel). */
  static final class BlockingEngine implements GenerationEngine {
    private final OfflineEngine offline;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);

    BlockingEngine(OfflineEngine offline) {
      this.offline = offline;
    }

    @Override
    public String name() {
      return "blocking";
    }

    @Override
    public ProjectPlan plan(GenerationSpec spec) {
      return offline.plan(spec);
    }

    @Override
    public List<SourceFile> generate(ProjectPlan plan, GenerationSpec spec) {
      entered.countDown();
      try {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw new IllegalStateException("interrupted", e);
      }
    }

    @Override
    public List<SourceFile> refine(
        ProjectPlan plan, GenerationSpec spec, List<SourceFile> files, ValidationReport report) {
      return files;
    }
  }
}
