package dev.shipyard.workflows.conventions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import dev.shipyard.workflows.replay.ReplayCorpus;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;

/**
 * The continue-as-new convention of workflows/VERSIONING.md, executable: a test-only looping
 * workflow whose signal handler runs an activity continues as new every few rounds, after {@code
 * Workflow.await(Workflow::isEveryHandlerFinished)}, carrying a bounded state (total, projection
 * sequence, signals not yet applied). Nothing sent in a burst is lost, and the run projection's
 * sequence keeps growing across runs. (Without the await, the first run continues while seven
 * handlers are still sleeping: their signals are lost and the chain never reaches its target.)
 */
class ContinueAsNewConventionTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

  private static final String QUEUE = "conventions";

  @Test
  void aLoopingWorkflowContinuesAsNewWithoutLosingSignalsOrItsSequence(TestWorkflowEnvironment env)
      throws Exception {
    TallyActivities tally = mock(TallyActivities.class, withSettings().withoutAnnotations());
    when(tally.accept(anyLong())).then(i -> i.getArgument(0));
    ProjectionActivities projection =
        mock(ProjectionActivities.class, withSettings().withoutAnnotations());
    for (String queue :
        List.of(QUEUE, WorkerRegistry.activity(ProjectionActivities.class).taskQueue())) {
      Worker worker = env.newWorker(queue, ReplayCorpus.TEST_WORKER_OPTIONS);
      if (queue.equals(QUEUE)) {
        worker.registerWorkflowImplementationTypes(TallyWorkflowImpl.class);
        worker.registerActivitiesImplementations(tally);
      } else {
        worker.registerActivitiesImplementations(projection);
      }
    }
    env.start();

    WorkflowClient client = env.getWorkflowClient();
    TallyWorkflow workflow =
        client.newWorkflowStub(
            TallyWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId("tally-1")
                // A lost signal would leave the chain waiting forever: fail instead (skipped time).
                .setWorkflowExecutionTimeout(Duration.ofHours(1))
                .build());
    long[] amounts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    long target = LongStream.of(amounts).sum();
    WorkflowClient.start(workflow::run, new TallyState("tally-1", 0, 0, List.of(), 3, target));
    // A burst: handlers are still running when the first run reaches its round limit.
    for (long amount : amounts) {
      workflow.add(amount);
    }

    long total = WorkflowStub.fromTyped(workflow).getResult(Long.class);

    assertThat(total).isEqualTo(target);
    ArgumentCaptor<RunProjection> runs = ArgumentCaptor.forClass(RunProjection.class);
    Mockito.verify(projection, Mockito.atLeastOnce()).recordRun(runs.capture());
    assertThat(runs.getAllValues())
        .extracting(RunProjection::sequence)
        .as("one status write per applied signal, sequence growing across runs")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, amounts.length).boxed().toList());
    assertThat(runs.getAllValues())
        .last()
        .extracting(RunProjection::status)
        .isEqualTo(RunStatus.COMPLETED);

    // The first run ended by continuing as new; the chain has more than one run.
    var first = client.fetchHistory("tally-1", firstRunId(client)).getLastEvent().getEventType();
    assertThat(first).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  }

  private static String firstRunId(WorkflowClient client) {
    // The run started first is the one the start event of the last run names as its origin.
    return client
        .fetchHistory("tally-1")
        .getEvents()
        .get(0)
        .getWorkflowExecutionStartedEventAttributes()
        .getFirstExecutionRunId();
  }

  /** A test-only activity, so the signal handler has something asynchronous to wait for. */
  @ActivityInterface(namePrefix = "Tally")
  public interface TallyActivities {
    long accept(long amount);
  }

  /**
   * The carried state: bounded (a total, a sequence, the signals not yet applied, at most one run's
   * burst).
   */
  public record TallyState(
      String id, long total, long sequence, List<Long> pending, int maxRoundsPerRun, long target) {}

  @WorkflowInterface
  public interface TallyWorkflow {
    @WorkflowMethod
    long run(TallyState state);

    @SignalMethod
    void add(long amount);

    @QueryMethod
    long total();
  }

  /** Follows VERSIONING.md "Continue-as-new: workflows that loop". */
  public static class TallyWorkflowImpl implements TallyWorkflow {

    private final TallyActivities tally =
        Workflow.newActivityStub(
            TallyActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());
    private final ProjectionActivities projection =
        Workflow.newActivityStub(
            ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));
    private final Deque<Long> pending = new ArrayDeque<>();
    private long total;
    private long sequence;

    @Override
    public long run(TallyState state) {
      total = state.total();
      sequence = state.sequence();
      pending.addAll(state.pending());
      int rounds = 0;
      while (total < state.target()) {
        Workflow.await(() -> !pending.isEmpty());
        total += pending.poll();
        record(state, total >= state.target() ? RunStatus.COMPLETED : RunStatus.RUNNING);
        if (total < state.target()
            && (++rounds >= state.maxRoundsPerRun()
                || Workflow.getInfo().isContinueAsNewSuggested())) {
          Workflow.await(Workflow::isEveryHandlerFinished); // handlers still in their activity
          Workflow.continueAsNew(
              new TallyState(
                  state.id(),
                  total,
                  sequence,
                  List.copyOf(pending),
                  state.maxRoundsPerRun(),
                  state.target()));
        }
      }
      return total;
    }

    @Override
    public void add(long amount) {
      // Slow handlers: amount n is ready after n seconds (skipped time), so when the first run
      // reaches its round limit (after 1, 2, 3) the handlers of 4..10 have not finished.
      Workflow.sleep(Duration.ofSeconds(amount));
      pending.add(tally.accept(amount));
    }

    @Override
    public long total() {
      return total;
    }

    private void record(TallyState state, RunStatus status) {
      projection.recordRun(
          new RunProjection(
              state.id(), "tally", "tenant-a", "user-a", status, "total " + total, ++sequence));
    }
  }
}
