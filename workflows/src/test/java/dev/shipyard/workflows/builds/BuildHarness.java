package dev.shipyard.workflows.builds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.tasks.TaskEvent;
import dev.shipyard.workflows.tasks.TaskEventActivities;
import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.mockito.invocation.Invocation;
import org.mockito.stubbing.Answer;

/**
 * The build workflow on Temporal's in-memory test server, every activity a Mockito mock on the task
 * queue of the one registration ({@link WorkerRegistry}). Shared by {@link BuildWorkflowTest} and
 * {@link BuildReplayCorpusRecorder}, so the recorded histories are the tested branches.
 */
final class BuildHarness {

  private final RegistryWorkers workers;

  /** Counted down when a {@link #heartbeatingUntilCancelled()} step has started. */
  final CountDownLatch entered = new CountDownLatch(1);

  /** Set when that step saw its cancellation through its heartbeat. */
  final AtomicBoolean sawCancel = new AtomicBoolean();

  private final AtomicBoolean closed = new AtomicBoolean();
  private final TestWorkflowEnvironment env;
  private final String workflowQueue;

  BuildHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
    this.workflowQueue = workers.queueOf(BuildWorkflowImpl.class);
  }

  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  BuildProjectActivities project() {
    return mockOf(BuildProjectActivities.class);
  }

  BuildStepActivities steps() {
    return mockOf(BuildStepActivities.class);
  }

  BuildRecordActivities records() {
    return mockOf(BuildRecordActivities.class);
  }

  TaskEventActivities events() {
    return mockOf(TaskEventActivities.class);
  }

  ProjectionActivities projection() {
    return mockOf(ProjectionActivities.class);
  }

  private <T> T mockOf(Class<T> type) {
    return workers.activities(type);
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  /**
   * A long step as the real one behaves: it heartbeats while it works until its heartbeat reports
   * the cancel, then ends with the cancellation (the real one kills its process tree first).
   */
  <T> Answer<T> heartbeatingUntilCancelled() {
    return invocation -> {
      entered.countDown();
      while (!closed.get()) {
        try {
          Activity.getExecutionContext().heartbeat("working");
        } catch (ActivityCompletionException e) {
          sawCancel.set(true);
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the simulated work
      }
      return null;
    };
  }

  BuildWorkflow stub(BuildRequest request) {
    return client()
        .newWorkflowStub(
            BuildWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(workflowQueue)
                .setWorkflowId(request.workflowId())
                .build());
  }

  Outcome run(BuildRequest request) {
    try {
      return new Outcome(request, stub(request).build(request), null);
    } catch (WorkflowFailedException e) {
      return new Outcome(request, null, e);
    }
  }

  /** Starts a build, sends {@code cancel} once the long step has started, waits for its end. */
  Outcome runAndCancelInStep(BuildRequest request, CancelRequest cancel)
      throws InterruptedException {
    BuildWorkflow workflow = stub(request);
    WorkflowClient.start(workflow::build, request);
    assertThat(entered.await(30, TimeUnit.SECONDS))
        .as("the long step started; calls: %s", calls())
        .isTrue();
    workflow.cancel(cancel);
    return result(request, WorkflowStub.fromTyped(workflow));
  }

  /** Starts a build with its cancel signal already sent (signal-with-start). */
  Outcome runCancelledAtStart(BuildRequest request, CancelRequest cancel) {
    WorkflowStub untyped = WorkflowStub.fromTyped(stub(request));
    untyped.signalWithStart("cancel", new Object[] {cancel}, new Object[] {request});
    return result(request, untyped);
  }

  private static Outcome result(BuildRequest request, WorkflowStub untyped) {
    try {
      return new Outcome(request, untyped.getResult(BuildOutcome.class), null);
    } catch (WorkflowFailedException e) {
      return new Outcome(request, null, e);
    }
  }

  BuildState state(String workflowId) {
    return client().newWorkflowStub(BuildWorkflow.class, workflowId).state();
  }

  String currentDetails(String workflowId) {
    return client()
        .newUntypedWorkflowStub(workflowId)
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }

  /** Every activity call in order: the method, with {@code status/phase} of projections. */
  List<String> calls() {
    return invocations().stream()
        .map(
            i ->
                i.getArgument(0) instanceof RunProjection p
                    ? i.getMethod().getName() + " " + p.status().value() + "/" + p.phase()
                    : i.getArgument(0) instanceof TaskEvent e
                        ? i.getMethod().getName() + " " + e.type() + "/" + e.status()
                        : i.getMethod().getName())
        .toList();
  }

  List<RunProjection> projections() {
    return invocations().stream()
        .filter(i -> i.getArgument(0) instanceof RunProjection)
        .map(i -> (RunProjection) i.getArgument(0))
        .toList();
  }

  List<TaskEvent> events(String type) {
    return invocations().stream()
        .filter(i -> i.getArgument(0) instanceof TaskEvent e && e.type().equals(type))
        .map(i -> (TaskEvent) i.getArgument(0))
        .toList();
  }

  private List<Invocation> invocations() {
    return workers.invocations();
  }

  void close() {
    closed.set(true);
  }

  record Outcome(BuildRequest request, BuildOutcome result, WorkflowFailedException failure) {

    String workflowId() {
      return request.workflowId();
    }
  }
}
