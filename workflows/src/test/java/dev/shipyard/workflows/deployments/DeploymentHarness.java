package dev.shipyard.workflows.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.mockito.invocation.Invocation;

/**
 * The deployment workflow on Temporal's test server with every activity a Mockito mock ({@link
 * RegistryWorkers}), the cluster mocks answering as a healthy cluster would: {@code apply} returns
 * a new generation and the image's digest, rollouts complete (except the images this harness makes
 * fail or hold), {@code observe} finds the cluster in sync. Shared by {@link
 * DeploymentWorkflowTest} and {@link DeploymentReplayCorpusRecorder}.
 */
final class DeploymentHarness {

  static final String IMAGE = "registry.example.com:5000/shop:1.0";
  static final String IMAGE_2 = "registry.example.com:5000/shop:2.0";

  /** An image whose rollout never becomes ready (a crash loop past the progress deadline). */
  static final String BROKEN = "registry.example.com:5000/shop:broken";

  /** An image whose rollout is watched until {@link #releaseHeld()} (heartbeating meanwhile). */
  static final String HELD = "registry.example.com:5000/shop:slow";

  static final Actor ALICE = new Actor("11111111-1111-4111-8111-111111111111", "alice", "req-1");

  private final RegistryWorkers workers;
  private final WorkflowClient client;
  private final TestWorkflowEnvironment env;
  private final AtomicLong generation = new AtomicLong();
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch heldEntered = new CountDownLatch(1);

  private final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** What {@code observe} answers next, by deployment (else: in sync). */
  final Map<String, ObservedState> nextObservation = new ConcurrentHashMap<>();

  DeploymentHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
    this.client =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            io.temporal.client.WorkflowClientOptions.newBuilder(
                    env.getWorkflowClient().getOptions())
                .setInterceptors()
                .build());
    when(cluster().apply(any()))
        .thenAnswer(
            i -> {
              ApplyRequest request = i.getArgument(0);
              return new Applied(generation.incrementAndGet(), digestOf(request.spec().image()));
            });
    when(cluster().observe(any()))
        .thenAnswer(
            i -> {
              ObserveRequest request = i.getArgument(0);
              ObservedState next = nextObservation.remove(request.target().deploymentId());
              return next != null ? next : inSync(request.spec());
            });
    when(cluster().delete(any())).thenReturn(true);
    when(rollouts().awaitRollout(any()))
        .thenAnswer(
            i -> {
              RolloutRequest request = i.getArgument(0);
              String image = lastApplied(request.target().deploymentId()).spec().image();
              if (image.equals(BROKEN)) {
                return new RolloutResult(
                    false,
                    "ProgressDeadlineExceeded",
                    "ReplicaSet \"shop-7d4\" has timed out progressing; container app:"
                        + " CrashLoopBackOff",
                    null,
                    observed(request.replicas(), 0, "unhealthy", "CrashLoopBackOff"));
              }
              if (image.equals(HELD)) {
                heldEntered.countDown();
                while (held.getCount() > 0) {
                  try {
                    Activity.getExecutionContext().heartbeat("watching");
                  } catch (ActivityCompletionException e) {
                    throw e; // the run is closed (a delete), or a cancel of a run before v1
                  }
                  LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
              }
              return new RolloutResult(
                  true,
                  null,
                  null,
                  digestOf(image),
                  observed(request.replicas(), request.replicas(), "healthy", null));
            });
    when(records().release(anyString(), anyInt())).thenReturn(null);
    when(records().releaseByDigest(anyString(), anyString())).thenReturn(null);
  }

  static io.temporal.testing.TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  DeploymentClusterActivities cluster() {
    return workers.activities(DeploymentClusterActivities.class);
  }

  DeploymentRolloutActivities rollouts() {
    return workers.activities(DeploymentRolloutActivities.class);
  }

  DeploymentRecordActivities records() {
    return workers.activities(DeploymentRecordActivities.class);
  }

  DeploymentEventActivities events() {
    return workers.activities(DeploymentEventActivities.class);
  }

  /**
   * A client without the test environment's time-locking interceptor, which lets the test server
   * skip time while a client waits for an update: the skip fires the workflow's reconcile timer
   * while the update's workflow task runs, the workflow cancels that timer, and the test server
   * refuses the cancel of a fired timer and leaves the run stuck (temporalio/sdk-java#2606, #3088;
   * a real server accepts it). So time moves only where a test says so ({@code env.sleep}).
   */
  WorkflowClient client() {
    return client;
  }

  TestWorkflowEnvironment env() {
    return env;
  }

  // ------------------------------------------------------------------ inputs

  static DeploymentSpec spec(String image, int replicas) {
    return new DeploymentSpec(
        image,
        8080,
        replicas,
        new Resources("100m", "128Mi"),
        List.of("DATABASE_URL"),
        1,
        false,
        new HealthCheck("/health", 5, 10, 2, 3));
  }

  static DeploymentSettings settings(int continueAsNewEvents, int inlineReleases) {
    return new DeploymentSettings(
        600,
        3600,
        true,
        "simulated",
        "https://shop.apps.example.com",
        continueAsNewEvents,
        inlineReleases);
  }

  static DeploymentSettings settings() {
    return settings(10_000, 20);
  }

  static DeploymentInput input(String id, DeploymentSettings settings) {
    String deploymentId =
        "00000000-0000-4000-8000-" + String.format("%012d", Math.abs(id.hashCode()) % 1000000L);
    return new DeploymentInput(
        new DeploymentTarget(deploymentId, ALICE.userId(), "shop-" + id, "shipyard-alice", "shop"),
        "default",
        "alice",
        spec(IMAGE, 2),
        settings,
        null);
  }

  /** Starts a deployment workflow (as the API does) and returns its stub. */
  DeploymentWorkflow start(DeploymentInput input) {
    DeploymentWorkflow workflow =
        client()
            .newWorkflowStub(
                DeploymentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(workers.queueOf(DeploymentWorkflowImpl.class))
                    .setWorkflowId(input.target().workflowId())
                    .setStaticSummary("Deployment " + input.target().appName() + " of alice")
                    .build());
    WorkflowClient.start(workflow::run, input);
    started.add(input.target().workflowId());
    return workflow;
  }

  DeploymentWorkflow stub(DeploymentInput input) {
    return client().newWorkflowStub(DeploymentWorkflow.class, input.target().workflowId());
  }

  // ------------------------------------------------------------------ waiting

  /** Polls the state query until {@code test} holds (30 s deadline). */
  DeploymentState awaitState(DeploymentWorkflow workflow, Predicate<DeploymentState> test) {
    return await(workflow::state, test, "the deployment's state");
  }

  static <T> T await(Supplier<T> read, Predicate<T> test, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    T last = null;
    while (System.nanoTime() < deadline) {
      last = read.get();
      if (test.test(last)) {
        return last;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("timed out waiting for " + what + "; last: " + last);
  }

  /** Waits until the held rollout watch has started. */
  void awaitHeld() throws InterruptedException {
    assertThat(heldEntered.await(30, TimeUnit.SECONDS)).as("the held rollout started").isTrue();
  }

  void releaseHeld() {
    held.countDown();
  }

  /**
   * Sends an update to the workflow's newest run, with a fixed update ID. Temporal's Java test
   * server loses an update that reaches a run just as it continues as new: refused ({@code
   * NOT_FOUND: Completed workflow}) or never answered (a real server moves it to the new run). So
   * the update is sent again, with the same ID (Temporal applies an update ID once per run), when
   * it is refused or has no answer within 20 s; at most 4 times.
   */
  ChangeResult updateAcrossRuns(String workflowId, String name, Object argument) {
    UpdateOptions<ChangeResult> options =
        UpdateOptions.newBuilder(ChangeResult.class)
            .setUpdateName(name)
            .setUpdateId(UUID.randomUUID().toString())
            .setWaitForStage(WorkflowUpdateStage.COMPLETED)
            .build();
    for (int attempt = 1; ; attempt++) {
      CompletableFuture<ChangeResult> answer =
          CompletableFuture.supplyAsync(
              () ->
                  client()
                      .newUntypedWorkflowStub(workflowId)
                      .startUpdate(options, argument)
                      .getResult());
      try {
        return answer.get(20, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        answer.cancel(true);
        if (e.getCause() instanceof io.temporal.client.WorkflowUpdateException refused
            && DeploymentFailure.of(refused).orElse(null) == DeploymentFailure.CONTINUING_AS_NEW) {
          // The run refused it until it has continued as new (as the API does, send it again
          // once the new run is there; no query meanwhile, see awaitRunAfter).
          awaitRunAfter(workflowId, refused.getExecution().getRunId());
          attempt--;
          continue;
        }
        boolean lost =
            e instanceof TimeoutException
                || e.getCause() instanceof io.temporal.client.WorkflowNotFoundException;
        if (!lost || attempt == 4) {
          throw new AssertionError("update " + name + " failed", e);
        }
        System.out.println("update " + name + " sent again after " + e);
        System.out.println(tail(workflowId, 16));
        awaitIdle(workflowId);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * The last {@code n} events of the current run, one line each (type, and for activities their
   * type or scheduled event): what a lost update leaves behind.
   */
  String tail(String workflowId, int n) {
    List<HistoryEvent> events = client().fetchHistory(workflowId).getEvents();
    StringBuilder b = new StringBuilder("last events of " + workflowId + ":");
    for (HistoryEvent e : events.subList(Math.max(0, events.size() - n), events.size())) {
      b.append("\n  ").append(e.getEventId()).append(' ').append(e.getEventType());
      if (e.hasActivityTaskScheduledEventAttributes()) {
        b.append(' ')
            .append(e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (e.hasActivityTaskCompletedEventAttributes()) {
        b.append(" of ").append(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
      } else if (e.hasActivityTaskCancelRequestedEventAttributes()) {
        b.append(" of ")
            .append(e.getActivityTaskCancelRequestedEventAttributes().getScheduledEventId());
      } else if (e.hasWorkflowExecutionUpdateAcceptedEventAttributes()) {
        b.append(' ')
            .append(
                e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                    .getAcceptedRequest()
                    .getInput()
                    .getName());
      }
    }
    DescribeWorkflowExecutionResponse described =
        client()
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client().getOptions().getNamespace())
                    .setExecution(
                        io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                            .setWorkflowId(workflowId))
                    .build());
    b.append("\n  pending workflow task: ").append(described.getPendingWorkflowTask());
    described
        .getPendingActivitiesList()
        .forEach(
            a ->
                b.append("\n  pending activity ")
                    .append(a.getActivityType().getName())
                    .append(' ')
                    .append(a.getState())
                    .append(" attempt ")
                    .append(a.getAttempt()));
    return b.toString();
  }

  /** The newest run of the workflow, as {@code DescribeWorkflowExecution} gives it. */
  DescribeWorkflowExecutionResponse describe(String workflowId) {
    return client()
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client().getOptions().getNamespace())
                .setExecution(
                    io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                        .setWorkflowId(workflowId))
                .build());
  }

  /**
   * Waits, describing the workflow (never querying it), until its newest run is not {@code runId}.
   * A query must not reach a run while it continues as new on Temporal's Java test server: the
   * server buffers it with the running workflow task, and on completing that task (the
   * continue-as-new) tries to schedule another one on the closed run, which fails after the new run
   * was started: the old run's history then lacks its last events.
   */
  void awaitRunAfter(String workflowId, String runId) {
    await(
        () -> describe(workflowId).getWorkflowExecutionInfo().getExecution().getRunId(),
        newest -> !newest.equals(runId),
        "a run after " + runId);
  }

  /** Waits until the newest run is idle: no workflow task and no activity pending. */
  void awaitIdle(String workflowId) {
    await(
        () -> {
          DescribeWorkflowExecutionResponse described =
              client()
                  .getWorkflowServiceStubs()
                  .blockingStub()
                  .describeWorkflowExecution(
                      DescribeWorkflowExecutionRequest.newBuilder()
                          .setNamespace(client().getOptions().getNamespace())
                          .setExecution(
                              io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                  .setWorkflowId(workflowId))
                          .build());
          return !described.hasPendingWorkflowTask() && described.getPendingActivitiesCount() == 0;
        },
        idle -> idle,
        "an idle run");
  }

  /**
   * The history of the current run once the workflow is idle (no activity pending, the last event a
   * completed workflow task): its events.
   */
  List<HistoryEvent> quietHistory(String workflowId) {
    return await(
        () -> {
          DescribeWorkflowExecutionResponse described =
              client()
                  .getWorkflowServiceStubs()
                  .blockingStub()
                  .describeWorkflowExecution(
                      DescribeWorkflowExecutionRequest.newBuilder()
                          .setNamespace(client().getOptions().getNamespace())
                          .setExecution(
                              io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                  .setWorkflowId(workflowId))
                          .build());
          List<HistoryEvent> events = client().fetchHistory(workflowId).getEvents();
          boolean onlyWatching =
              described.getPendingActivitiesList().stream()
                  .allMatch(
                      a -> a.getActivityType().getName().equals("DeploymentRolloutAwaitRollout"));
          return onlyWatching
                  && !described.hasPendingWorkflowTask()
                  && events.get(events.size() - 1).getEventType()
                      != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
              ? events
              : null;
        },
        events -> events != null,
        "an idle workflow");
  }

  // ------------------------------------------------------------------ what happened

  /** The failed workflow tasks of the deployments started here (a test's diagnosis). */
  List<String> failedWorkflowTasks() {
    return started.stream()
        .flatMap(id -> client().fetchHistory(id).getEvents().stream())
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .map(e -> e.getWorkflowTaskFailedEventAttributes().getFailure().toString())
        .toList();
  }

  /** Every activity call, in order: the method, with the phase of projections. */
  List<String> calls() {
    return workers.invocations().stream()
        .map(
            i ->
                i.getArgument(0) instanceof DeploymentProjection p
                    ? "record " + p.phase().value()
                    : i.getArgument(0) instanceof DeploymentEvent e
                        ? "send " + e.type()
                        : i.getMethod().getName())
        .toList();
  }

  List<DeploymentProjection> projections() {
    return arguments(DeploymentProjection.class);
  }

  List<ApplyRequest> applies() {
    return arguments(ApplyRequest.class);
  }

  List<DeploymentEvent> sent() {
    return arguments(DeploymentEvent.class);
  }

  private <T> List<T> arguments(Class<T> type) {
    return workers.invocations().stream()
        .map(Invocation::getArguments)
        .filter(a -> a.length == 1 && type.isInstance(a[0]))
        .map(a -> type.cast(a[0]))
        .toList();
  }

  private ApplyRequest lastApplied(String deploymentId) {
    List<ApplyRequest> all =
        applies().stream().filter(a -> a.target().deploymentId().equals(deploymentId)).toList();
    return all.get(all.size() - 1);
  }

  // ------------------------------------------------------------------ the cluster's answers

  /** The digest a registry would resolve an image to (the pinned digest for {@code repo@sha}). */
  static String digestOf(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(at + 1);
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(image.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObservedState observed(int desired, int ready, String health, String reason) {
    return new ObservedState(
        0L,
        true,
        desired,
        ready,
        ready,
        ready,
        reason == null ? 0 : 7,
        health,
        reason,
        reason == null ? null : "back-off 5m0s restarting failed container",
        null,
        null,
        List.of(),
        "simulated");
  }

  static ObservedState inSync(DeploymentSpec spec) {
    return observed(
        spec.replicas(), spec.replicas(), spec.replicas() == 0 ? "stopped" : "healthy", null);
  }

  static ObservedState drifted(String drift) {
    return new ObservedState(
        0L, false, 0, 0, 0, 0, 0, "absent", null, null, null, null, List.of(drift), "simulated");
  }

  static Duration reconcilePeriod() {
    return Duration.ofSeconds(settings().reconcileSeconds());
  }
}
