package dev.shipyard.workflows.capsules.batch;

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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batch export workflow on Temporal's test server with every activity a Mockito mock on its
 * registered task queue; shared by {@link CapsuleBatchExportWorkflowTest} and {@link
 * BatchReplayCorpusRecorder}.
 */
final class BatchHarness implements AutoCloseable {

  /** The branches of the batch workflow; each has a recorded history. */
  enum Branch {
    /** Five capsules, two at a time, all exported. */
    ALL_OK,
    /** One capsule missing (a failed item from the step), one step failing for good. */
    PARTIAL_FAILURE,
    /** One step fails once (retryable) and passes on its second attempt. */
    RETRIED;

    String fileName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-') + ".json";
    }
  }

  static final List<String> CAPSULES = List.of("cap-a", "cap-b", "cap-c", "cap-d", "cap-e");
  static final int PARALLELISM = 2;

  private final RegistryWorkers workers;
  private final Semaphore entered = new Semaphore(0);
  private final CountDownLatch release = new CountDownLatch(1);
  private final TestWorkflowEnvironment env;
  private final String workflowQueue;

  BatchHarness(TestWorkflowEnvironment env) {
    this.env = env;
    this.workers = new RegistryWorkers(env);
    this.workflowQueue = workers.queueOf(CapsuleBatchExportWorkflowImpl.class);
  }

  static TestWorkflowExtension extension() {
    return RegistryWorkers.extension();
  }

  CapsuleBatchExportActivities exports() {
    return workers.activities(CapsuleBatchExportActivities.class);
  }

  CapsuleBatchRecordActivities records() {
    return workers.activities(CapsuleBatchRecordActivities.class);
  }

  ProjectionActivities projection() {
    return workers.activities(ProjectionActivities.class);
  }

  RegistryWorkers workers() {
    return workers;
  }

  static BatchExportRequest request(String batchId) {
    return new BatchExportRequest(
        batchId,
        "default",
        "00000000-0000-0000-0000-000000000001",
        false,
        "zip",
        CAPSULES.stream().map(c -> new BatchExportItem(c, null)).toList(),
        PARALLELISM);
  }

  static ExportItemResult ok(ExportItemRequest r) {
    return ExportItemResult.success(
        r.capsuleId(), "ver-" + r.capsuleId(), 1000, "ab".repeat(32), r.objectKey());
  }

  /**
   * The run's end: its result or its failure, and how many export steps had been scheduled while
   * the first {@link #PARALLELISM} were still running (ALL_OK only, else -1).
   */
  record Outcome(
      String workflowId,
      BatchExportResult result,
      WorkflowException failure,
      long scheduledAtOnce) {}

  /** Drives {@code branch} to its end. */
  Outcome drive(Branch branch) throws Exception {
    BatchExportRequest request = request("b-" + branch.name().toLowerCase(Locale.ROOT));
    CapsuleBatchExportWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                CapsuleBatchExportWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(workflowQueue)
                    .setWorkflowId(request.workflowId())
                    .setStaticSummary("Batch export of 5 capsules for alice")
                    .build());
    switch (branch) {
      case ALL_OK ->
          when(exports().exportCapsule(any()))
              .thenAnswer(
                  invocation -> {
                    entered.release();
                    release.await();
                    return ok(invocation.getArgument(0));
                  });
      case PARTIAL_FAILURE ->
          when(exports().exportCapsule(any()))
              .thenAnswer(
                  invocation -> {
                    ExportItemRequest r = invocation.getArgument(0);
                    return switch (r.capsuleId()) {
                      case "cap-b" -> ExportItemResult.notFound("cap-b");
                      case "cap-d" ->
                          throw ApplicationFailure.newNonRetryableFailure(
                              "Missing manifest manifests/sha256/x.json",
                              BatchExportFailure.VERSION_FILES_MISSING.name());
                      default -> ok(r);
                    };
                  });
      case RETRIED -> {
        AtomicInteger attempts = new AtomicInteger();
        when(exports().exportCapsule(any()))
            .thenAnswer(
                invocation -> {
                  ExportItemRequest r = invocation.getArgument(0);
                  if (r.capsuleId().equals("cap-c") && attempts.incrementAndGet() == 1) {
                    throw ApplicationFailure.newFailure(
                        "S3 answered 503", BatchExportFailure.EXPORT_FAILED.name());
                  }
                  return ok(r);
                });
      }
    }
    WorkflowClient.start(workflow::export, request);
    WorkflowStub untyped = WorkflowStub.fromTyped(workflow);
    long scheduledAtOnce = -1;
    if (branch == Branch.ALL_OK) {
      assertThat(entered.tryAcquire(PARALLELISM, 30, TimeUnit.SECONDS))
          .as("the first steps started")
          .isTrue();
      // No step ended yet, so no workflow task ran since the first ones were scheduled: the
      // history holds exactly the steps the window allowed.
      scheduledAtOnce =
          env.getWorkflowClient().fetchHistory(request.workflowId()).getEvents().stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
              .filter(
                  e ->
                      e.getActivityTaskScheduledEventAttributes()
                          .getActivityType()
                          .getName()
                          .equals("CapsuleBatchExportExportCapsule"))
              .count();
      release.countDown();
    }
    try {
      return new Outcome(
          request.workflowId(),
          untyped.getResult(120, TimeUnit.SECONDS, BatchExportResult.class),
          null,
          scheduledAtOnce);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "The workflow did not end; its history: "
              + env.getWorkflowClient().fetchHistory(request.workflowId()).toJson(true));
    } catch (WorkflowException e) {
      return new Outcome(request.workflowId(), null, e, scheduledAtOnce);
    }
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  @Override
  public void close() {
    release.countDown();
  }
}
