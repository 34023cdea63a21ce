package dev.shipyard.workflows.capsules.batch;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.platform.ProjectionActivities;
import dev.shipyard.workflows.platform.RunProjection;
import dev.shipyard.workflows.platform.RunStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * See {@link CapsuleBatchExportWorkflow}. Deterministic: at most {@link
 * BatchExportRequest#parallelism()} export steps run at once (a sliding window: the next starts
 * when one ends); a step that fails after its retries becomes a failed item with the step's reason.
 * Every state change goes through the run projection with a growing sequence; the item results are
 * recorded before the run is completed, so a completed run always has its items.
 */
public class CapsuleBatchExportWorkflowImpl implements CapsuleBatchExportWorkflow {

  private final CapsuleBatchExportActivities exports =
      Workflow.newActivityStub(
          CapsuleBatchExportActivities.class,
          WorkerRegistry.options(CapsuleBatchExportActivities.class));

  private final CapsuleBatchRecordActivities records =
      Workflow.newActivityStub(
          CapsuleBatchRecordActivities.class,
          WorkerRegistry.options(CapsuleBatchRecordActivities.class));

  private final ProjectionActivities projection =
      Workflow.newActivityStub(
          ProjectionActivities.class, WorkerRegistry.options(ProjectionActivities.class));

  private BatchExportRequest request;
  private long sequence;
  private int running;
  private int finished;

  @Override
  public BatchExportResult export(BatchExportRequest request) {
    this.request = request;
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.TENANT.valueSet(request.tenantId()),
        ShipyardSearchAttributes.OWNER.valueSet(request.ownerId()),
        ShipyardSearchAttributes.KIND.valueSet(BatchExportRequest.KIND));
    try {
      enter(
          RunStatus.RUNNING,
          "exporting",
          "Exporting " + request.items().size() + " capsule(s) as " + request.format(),
          null);
      List<Promise<ExportItemResult>> pending = new ArrayList<>();
      CancellationScope scope = CancellationScope.current();
      for (BatchExportItem item : request.items()) {
        // Workflow.await is not interrupted by a cancel: the condition watches for it
        Workflow.await(() -> running < request.parallelism() || scope.isCancelRequested());
        if (scope.isCancelRequested()) {
          throw new CanceledFailure("cancelled on request");
        }
        running++;
        pending.add(
            Async.function(exports::exportCapsule, request.item(item))
                .handle(
                    (result, failure) -> {
                      running--;
                      finished++;
                      Workflow.setCurrentDetails(
                          finished + " of " + request.items().size() + " capsule(s) done");
                      if (failure == null) {
                        return result;
                      }
                      if (cancelled(failure)) {
                        throw failure;
                      }
                      return ExportItemResult.failed(item.capsuleId(), reason(failure));
                    }));
      }
      List<ExportItemResult> results = new ArrayList<>();
      for (Promise<ExportItemResult> p : pending) {
        results.add(p.get());
      }
      BatchExportResult result = BatchExportResult.of(results);
      records.recordResults(
          new CapsuleBatchRecordActivities.BatchResults(request.batchId(), results));
      enter(RunStatus.COMPLETED, "completed", result.line(), null);
      return result;
    } catch (ActivityFailure | CanceledFailure e) {
      boolean cancelled = cancelled(e);
      RunStatus end = cancelled ? RunStatus.CANCELLED : RunStatus.FAILED;
      String reason = cancelled ? "cancelled on request" : reason(e);
      // a detached scope still runs while the workflow is being cancelled
      Workflow.newDetachedCancellationScope(() -> enter(end, end.value(), reason, reason)).run();
      throw e;
    }
  }

  private static boolean cancelled(Throwable failure) {
    return failure instanceof CanceledFailure || failure.getCause() instanceof CanceledFailure;
  }

  /** The step's own message (its typed failure's), not Temporal's wrapping. */
  private static String reason(Throwable failure) {
    Throwable cause =
        failure instanceof ActivityFailure && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof ApplicationFailure app) {
      return "Export failed: " + app.getOriginalMessage();
    }
    if (cause instanceof TemporalFailure temporal) {
      return "Export failed: " + temporal.getOriginalMessage();
    }
    return "Export failed: " + cause.getMessage();
  }

  private void enter(RunStatus next, String phase, String details, String error) {
    Workflow.upsertTypedSearchAttributes(
        ShipyardSearchAttributes.STATUS.valueSet(
            next == RunStatus.RUNNING ? "running" : next.value()));
    Workflow.setCurrentDetails(details);
    projection.recordRun(
        new RunProjection(
            request.workflowId(),
            BatchExportRequest.KIND,
            request.tenantId(),
            request.ownerId(),
            next,
            phase,
            details,
            error,
            ++sequence));
  }

  @Override
  public int finished() {
    return finished;
  }
}
