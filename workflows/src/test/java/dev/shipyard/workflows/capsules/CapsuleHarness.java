package dev.shipyard.workflows.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mockito.invocation.Invocation;
import org.mockito.stubbing.Answer;

/**
 * The capsule generation workflow on Temporal's in-memory test server (time skipping on), with
 * every activity a Mockito mock, served on the task queues of the one registration ({@link
 * WorkerRegistry}) exactly as the worker serves them. Shared by {@link
 * CapsuleGenerationWorkflowTest} and the corpus recorder {@link CapsuleReplayCorpusRecorder}, so
 * the recorded histories are exactly the tested branches.
 */
final class CapsuleHarness {

  private final RegistryWorkers workers;

  /** Counted down when a {@link #blocking() blocking} step starts; released in {@link #close}. */
  final CountDownLatch entered = new CountDownLatch(1);

  private final CountDownLatch release = new CountDownLatch(1);
  private final TestWorkflowEnvironment env;
  private final String workflowQueue;

  /**
   * Registers every workflow and activity mock on its registered task queue, and starts the
   * extension's environment (built with {@code setDoNotStart(true)}).
   */
  CapsuleHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
    this.workflowQueue = workers.queueOf(CapsuleGenerationWorkflowImpl.class);
  }

  /** The test server with Shipyard's search attributes; the harness adds the workers. */
  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  CapsuleEngineActivities engine() {
    return mockOf(CapsuleEngineActivities.class);
  }

  CapsuleValidationActivities validation() {
    return mockOf(CapsuleValidationActivities.class);
  }

  CapsuleStorageActivities storage() {
    return mockOf(CapsuleStorageActivities.class);
  }

  CapsuleEventActivities events() {
    return mockOf(CapsuleEventActivities.class);
  }

  ProjectionActivities projection() {
    return mockOf(ProjectionActivities.class);
  }

  private <T> T mockOf(Class<T> activityInterface) {
    return workers.activities(activityInterface);
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  /**
   * An answer that marks the step as entered and blocks until the test ends: the workflow's cancel
   * (TRY_CANCEL) does not wait for it.
   */
  <T> Answer<T> blocking() {
    return invocation -> {
      entered.countDown();
      release.await();
      return null;
    };
  }

  CapsuleGenerationWorkflow stub(GenerationRequest request) {
    return client()
        .newWorkflowStub(
            CapsuleGenerationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(workflowQueue)
                .setWorkflowId(request.workflowId())
                .build());
  }

  /** Runs a generation to its end. */
  Outcome run(GenerationRequest request) {
    CapsuleGenerationWorkflow workflow = stub(request);
    try {
      return new Outcome(request, workflow.generate(request), null);
    } catch (WorkflowFailedException e) {
      return new Outcome(request, null, e);
    }
  }

  /**
   * Starts a generation, cancels it once the {@link #blocking()} step has started, waits its end.
   */
  Outcome runAndCancelInBlockingStep(GenerationRequest request) throws InterruptedException {
    CapsuleGenerationWorkflow workflow = stub(request);
    WorkflowClient.start(workflow::generate, request);
    assertThat(entered.await(30, TimeUnit.SECONDS)).as("the blocking step started").isTrue();
    WorkflowStub untyped = WorkflowStub.fromTyped(workflow);
    untyped.cancel();
    try {
      return new Outcome(request, untyped.getResult(GenerationResult.class), null);
    } catch (WorkflowFailedException e) {
      return new Outcome(request, null, e);
    }
  }

  /** The query of a (running or closed) generation. */
  GenerationProgress progress(String workflowId) {
    return client().newWorkflowStub(CapsuleGenerationWorkflow.class, workflowId).progress();
  }

  /** The {@code Workflow.setCurrentDetails} line, as the Temporal UI shows it. */
  String currentDetails(String workflowId) {
    return client()
        .newUntypedWorkflowStub(workflowId)
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }

  /**
   * Every activity call in the order the workflow made it, across all activities, one line each:
   * the method name, and for {@code recordRun} the projected {@code status/phase} (e.g. {@code
   * recordRun running/planning}).
   */
  List<String> calls() {
    return invocations().stream()
        .map(
            i ->
                i.getArgument(0) instanceof RunProjection p
                    ? i.getMethod().getName() + " " + p.status().value() + "/" + p.phase()
                    : i.getMethod().getName())
        .toList();
  }

  /** Every status write, in order. */
  List<RunProjection> projections() {
    return invocations().stream()
        .filter(i -> i.getArgument(0) instanceof RunProjection)
        .map(i -> (RunProjection) i.getArgument(0))
        .toList();
  }

  private List<Invocation> invocations() {
    return workers.invocations();
  }

  /** Frees a blocked step; call before the environment closes. */
  void close() {
    release.countDown();
  }

  /** How a generation ended: a result or the client's failure. */
  record Outcome(
      GenerationRequest request, GenerationResult result, WorkflowFailedException failure) {

    String workflowId() {
      return request.workflowId();
    }

    String capsuleId() {
      return request.capsuleId();
    }
  }
}
