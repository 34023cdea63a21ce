package dev.shipyard.workflows.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.testing.RegistryWorkers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The delivery workflow on Temporal's test server (time skipping) with every activity a Mockito
 * mock on its registered task queue; shared by {@link DeliveryWorkflowTest} and {@link
 * DeliveryReplayCorpusRecorder}.
 */
final class DeliveryHarness implements AutoCloseable {

  /** The branches of the delivery workflow; each has a recorded history. */
  enum Branch {
    /** Three destinations, all started at once, all delivered. */
    ALL_OK,
    /** One destination rejects the credentials (non-retryable): reported at once, others go on. */
    REJECTED,
    /** One destination fails once (retryable) and is delivered on its second attempt. */
    RETRIED,
    /** One destination stays down: retried until its window closes, then reported failed. */
    WINDOW_CLOSED;

    String fileName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-') + ".json";
    }
  }

  static final String USER = "00000000-0000-0000-0000-000000000001";
  static final Duration WINDOW = Duration.ofSeconds(40);

  static final List<DeliveryTarget> TARGETS =
      List.of(
          new DeliveryTarget(0, "s3", "bucket-a", Map.of("format", "tar.gz"), "cred-a"),
          new DeliveryTarget(1, "s3", "bucket-b", Map.of("prefix", "out"), "cred-b"),
          new DeliveryTarget(2, "s3", "bucket-c", Map.of(), "cred-c"));

  private final RegistryWorkers workers;
  private final Semaphore entered = new Semaphore(0);
  private final CountDownLatch release = new CountDownLatch(1);
  private final TestWorkflowEnvironment env;
  private final String workflowQueue;

  DeliveryHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
    this.workflowQueue = workers.queueOf(DeliveryWorkflowImpl.class);
  }

  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  DeliveryDestinationActivities destinations() {
    return workers.activities(DeliveryDestinationActivities.class);
  }

  DeliveryRecordActivities records() {
    return workers.activities(DeliveryRecordActivities.class);
  }

  ProjectionActivities projection() {
    return workers.activities(ProjectionActivities.class);
  }

  static DeliveryRequest request(String deliveryId, Duration window) {
    return new DeliveryRequest(deliveryId, "cap-1", "ver-1", "default", USER, TARGETS, window);
  }

  static DestinationResult ok(DestinationRequest r) {
    DeliveryTarget t = r.target();
    String key = r.capsuleId() + "_" + r.versionId() + "_" + r.deliveryId() + ".tar.gz";
    return DestinationResult.delivered(
        t,
        "s3://" + t.destination() + "/" + key,
        "http://s3.example/" + t.destination() + "/" + key + "?X-Amz-Signature=x",
        "sha256:" + "ab".repeat(32),
        Map.of("key", key));
  }

  /**
   * The run's end, and how many destination steps had been scheduled while none had ended (ALL_OK
   * only, else -1).
   */
  record Outcome(
      String workflowId,
      DeliveryResult result,
      WorkflowException failure,
      long scheduledAtOnce,
      DeliveryProgress progressWhileRunning) {}

  /** Drives {@code branch} to its end. */
  Outcome drive(Branch branch) throws Exception {
    DeliveryRequest request = request("d-" + branch.name().toLowerCase(Locale.ROOT), WINDOW);
    DeliveryWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                DeliveryWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(workflowQueue)
                    .setWorkflowId(request.workflowId())
                    .setStaticSummary("Delivery of cap-1 to 3 destinations for alice")
                    .build());
    AtomicInteger attempts = new AtomicInteger();
    when(destinations().deliver(any()))
        .thenAnswer(
            invocation -> {
              DestinationRequest r = invocation.getArgument(0);
              String bucket = r.target().destination();
              switch (branch) {
                case ALL_OK -> {
                  entered.release();
                  release.await();
                }
                case REJECTED -> {
                  if (bucket.equals("bucket-b")) {
                    throw ApplicationFailure.newNonRetryableFailure(
                        "S3 refused the credentials (403 InvalidAccessKeyId)",
                        DeliveryFailure.CREDENTIALS_REJECTED.name());
                  }
                }
                case RETRIED -> {
                  if (bucket.equals("bucket-c") && attempts.incrementAndGet() == 1) {
                    throw ApplicationFailure.newFailure(
                        "S3 answered 503 SlowDown", DeliveryFailure.DESTINATION_UNAVAILABLE.name());
                  }
                }
                case WINDOW_CLOSED -> {
                  if (bucket.equals("bucket-c")) {
                    attempts.incrementAndGet();
                    throw ApplicationFailure.newFailure(
                        "Connection refused: 127.0.0.1:1",
                        DeliveryFailure.DESTINATION_UNAVAILABLE.name());
                  }
                }
              }
              return ok(r);
            });
    WorkflowClient.start(workflow::deliver, request);
    WorkflowStub untyped = WorkflowStub.fromTyped(workflow);
    long scheduledAtOnce = -1;
    DeliveryProgress progress = null;
    if (branch == Branch.ALL_OK) {
      assertThat(entered.tryAcquire(TARGETS.size(), 30, TimeUnit.SECONDS))
          .as("every destination started")
          .isTrue();
      scheduledAtOnce =
          env.getWorkflowClient().fetchHistory(request.workflowId()).getEvents().stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
              .filter(
                  e ->
                      e.getActivityTaskScheduledEventAttributes()
                          .getActivityType()
                          .getName()
                          .equals("DeliveryDestinationDeliver"))
              .count();
      progress = workflow.progress();
      release.countDown();
    }
    try {
      return new Outcome(
          request.workflowId(),
          untyped.getResult(120, TimeUnit.SECONDS, DeliveryResult.class),
          null,
          scheduledAtOnce,
          progress);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "The workflow did not end; its history: "
              + env.getWorkflowClient().fetchHistory(request.workflowId()).toJson(true));
    } catch (WorkflowException e) {
      return new Outcome(request.workflowId(), null, e, scheduledAtOnce, progress);
    }
  }

  int attempts(String bucket) {
    return (int)
        workers.invocations().stream()
            .filter(
                i ->
                    i.getArguments().length == 1
                        && i.getArguments()[0] instanceof DestinationRequest r
                        && r.target().destination().equals(bucket))
            .count();
  }

  @Override
  public void close() {
    release.countDown();
  }
}
