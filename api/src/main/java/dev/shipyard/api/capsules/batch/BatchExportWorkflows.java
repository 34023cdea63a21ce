package dev.shipyard.api.capsules.batch;

import dev.shipyard.api.runs.WorkflowWaits;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.capsules.batch.BatchExportRequest;
import dev.shipyard.workflows.capsules.batch.BatchExportResult;
import dev.shipyard.workflows.capsules.batch.CapsuleBatchExportWorkflow;
import dev.shipyard.workflows.capsules.batch.CapsuleBatchExportWorkflowImpl;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Starts and awaits batch export workflows, off the event loop. */
@Component
class BatchExportWorkflows {

  private final WorkflowClient temporal;
  private final String taskQueue;

  BatchExportWorkflows(WorkflowClient temporal) {
    this.temporal = temporal;
    this.taskQueue = WorkerRegistry.workflowQueue(CapsuleBatchExportWorkflowImpl.class);
  }

  Mono<Void> start(BatchExportRequest request, String username) {
    return Mono.<Void>fromRunnable(
            () -> {
              CapsuleBatchExportWorkflow workflow =
                  temporal.newWorkflowStub(
                      CapsuleBatchExportWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(request.workflowId())
                          .setTaskQueue(taskQueue)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(
                              "Batch export of "
                                  + request.items().size()
                                  + " capsule(s) as "
                                  + request.format()
                                  + " for "
                                  + username)
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, request.ownerId())
                                  .set(ShipyardSearchAttributes.KIND, BatchExportRequest.KIND)
                                  .set(ShipyardSearchAttributes.STATUS, "queued")
                                  .build())
                          .build());
              WorkflowClient.start(workflow::export, request);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Completes when the workflow ended or {@code wait} passed, whichever is first. */
  Mono<Void> await(String workflowId, Duration wait) {
    return WorkflowWaits.await(temporal, workflowId, wait, BatchExportResult.class);
  }
}
