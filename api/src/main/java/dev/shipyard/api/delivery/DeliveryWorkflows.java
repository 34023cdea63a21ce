package dev.shipyard.api.delivery;

import dev.shipyard.api.runs.WorkflowWaits;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.delivery.DeliveryProgress;
import dev.shipyard.workflows.delivery.DeliveryRequest;
import dev.shipyard.workflows.delivery.DeliveryResult;
import dev.shipyard.workflows.delivery.DeliveryWorkflow;
import dev.shipyard.workflows.delivery.DeliveryWorkflowImpl;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Starts, awaits and queries delivery workflows, off the event loop. */
@Component
class DeliveryWorkflows {

  private static final Duration QUERY_WAIT = Duration.ofSeconds(2);

  private final WorkflowClient temporal;
  private final String taskQueue;

  DeliveryWorkflows(WorkflowClient temporal) {
    this.temporal = temporal;
    this.taskQueue = WorkerRegistry.workflowQueue(DeliveryWorkflowImpl.class);
  }

  Mono<Void> start(DeliveryRequest request, String username) {
    return Mono.<Void>fromRunnable(
            () -> {
              DeliveryWorkflow workflow =
                  temporal.newWorkflowStub(
                      DeliveryWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(request.workflowId())
                          .setTaskQueue(taskQueue)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(
                              "Delivery of "
                                  + request.capsuleId()
                                  + " version "
                                  + request.versionId()
                                  + " to "
                                  + request.targets().size()
                                  + " destination(s) for "
                                  + username)
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, request.userId())
                                  .set(ShipyardSearchAttributes.KIND, DeliveryRequest.KIND)
                                  .set(ShipyardSearchAttributes.STATUS, "queued")
                                  .build())
                          .build());
              WorkflowClient.start(workflow::deliver, request);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Completes when the delivery ended or {@code wait} passed, whichever is first. */
  Mono<Void> await(String workflowId, Duration wait) {
    return WorkflowWaits.await(temporal, workflowId, wait, DeliveryResult.class);
  }

  /** The running delivery's progress (its query), or empty when it cannot be asked. */
  Mono<DeliveryProgress> progress(String workflowId) {
    return Mono.fromCallable(
            () -> temporal.newWorkflowStub(DeliveryWorkflow.class, workflowId).progress())
        .subscribeOn(Schedulers.boundedElastic())
        // a query waits for a worker: a delivery not picked up yet answers without progress
        .timeout(QUERY_WAIT)
        .onErrorResume(e -> Mono.empty());
  }
}
