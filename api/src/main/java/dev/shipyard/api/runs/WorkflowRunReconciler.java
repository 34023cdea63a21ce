package dev.shipyard.api.runs;

import com.google.protobuf.util.Timestamps;
import dev.shipyard.api.config.ShipyardProperties;
import dev.shipyard.workflows.platform.RunStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * At startup, brings {@code workflow_runs} rows of every kind (capsule generations, probes, and
 * every feature that follows) that say "running" in line with Temporal: a run whose workflow no
 * longer exists (the local Java test server keeps nothing across restarts) is marked failed with
 * that reason, and a run Temporal has already closed gets its final status. Without this, such rows
 * would show "running" forever.
 */
@Component
public class WorkflowRunReconciler {

  public static final String GONE_REASON =
      "workflow no longer exists in Temporal (the local Temporal test server keeps nothing across"
          + " restarts)";

  private static final Logger log = LoggerFactory.getLogger(WorkflowRunReconciler.class);

  private final DatabaseClient db;
  private final WorkflowRuns runs;
  private final WorkflowServiceStubs temporal;
  private final String namespace;

  WorkflowRunReconciler(
      DatabaseClient db,
      WorkflowRuns runs,
      WorkflowServiceStubs temporal,
      ShipyardProperties properties) {
    this.db = db;
    this.runs = runs;
    this.temporal = temporal;
    this.namespace = properties.temporal().namespace();
  }

  @EventListener(ApplicationReadyEvent.class)
  void onReady() {
    reconcile()
        .subscribe(
            n -> {
              if (n > 0) {
                log.warn("Reconciled {} stale workflow run(s) with Temporal", n);
              }
            },
            e -> log.error("Reconciling workflow runs failed", e));
  }

  /** Reconciles every running row, of every kind; emits how many rows changed. */
  public Mono<Long> reconcile() {
    return db.sql("SELECT workflow_id FROM workflow_runs WHERE status = :running")
        .bind("running", RunStatus.RUNNING.value())
        .map(row -> row.get("workflow_id", String.class))
        .all()
        .concatMap(this::reconcileOne)
        .reduce(0L, Long::sum);
  }

  private Mono<Long> reconcileOne(String workflowId) {
    return Mono.fromCallable(() -> describe(workflowId))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            response -> {
              WorkflowExecutionStatus status = response.getWorkflowExecutionInfo().getStatus();
              if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
                return Mono.just(0L);
              }
              return runs.close(
                  workflowId,
                  finalStatus(status),
                  "closed in Temporal as "
                      + status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(),
                  Timestamps.toMillis(response.getWorkflowExecutionInfo().getCloseTime()));
            })
        .onErrorResume(
            StatusRuntimeException.class,
            e ->
                e.getStatus().getCode() == Status.Code.NOT_FOUND
                    ? runs.close(
                        workflowId, RunStatus.FAILED, GONE_REASON, System.currentTimeMillis())
                    : Mono.error(e));
  }

  private DescribeWorkflowExecutionResponse describe(String workflowId) {
    return temporal
        .blockingStub()
        .withDeadlineAfter(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
  }

  private static RunStatus finalStatus(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> RunStatus.COMPLETED;
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> RunStatus.CANCELLED;
      default -> RunStatus.FAILED;
    };
  }
}
