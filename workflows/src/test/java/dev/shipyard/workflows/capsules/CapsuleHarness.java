package dev.shipyard.workflows.capsules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mockito.stubbing.Answer;

/**
 * The capsule generation workflow on Temporal's in-memory test server (time skipping on), with
 * every activity a Mockito mock. Shared by {@link CapsuleGenerationWorkflowTest} and the corpus
 * recorder {@link CapsuleReplayCorpusRecorder}, so the recorded histories are exactly the tested
 * branches.
 */
final class CapsuleHarness {

  /** Activity mocks: {@code withoutAnnotations()} keeps Temporal reading the interface's own. */
  final CapsuleActivities activities =
      mock(CapsuleActivities.class, withSettings().withoutAnnotations());

  /** Counted down when a {@link #blocking() blocking} step starts; released in {@link #close}. */
  final CountDownLatch entered = new CountDownLatch(1);

  private final CountDownLatch release = new CountDownLatch(1);
  private final TestWorkflowEnvironment env;
  private final String taskQueue;

  /**
   * Registers the workflow and the activity mocks on the production task queue, as the worker does,
   * and starts the extension's environment (built with {@code setDoNotStart(true)}).
   */
  CapsuleHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.taskQueue = TaskQueues.CAPSULES;
    Worker worker = env.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(CapsuleGenerationWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
    env.start();
  }

  /** The test server with Shipyard's search attributes; the harness adds the workers. */
  static TestWorkflowExtension extension() {
    TestWorkflowExtension.Builder builder = TestWorkflowExtension.newBuilder().setDoNotStart(true);
    ShipyardSearchAttributes.ALL.forEach(
        key ->
            builder.registerSearchAttribute(
                key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return builder.build();
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
                .setTaskQueue(taskQueue)
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
