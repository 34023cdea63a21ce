package dev.shipyard.api.charts;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.charts.HelmChartValidationRequest;
import dev.shipyard.workflows.charts.HelmChartValidationWorkflow;
import dev.shipyard.workflows.charts.HelmChartValidationWorkflowImpl;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Starts chart validation workflows, off the event loop. */
@Component
class HelmChartWorkflows {

  private final WorkflowClient temporal;
  private final String taskQueue;

  HelmChartWorkflows(WorkflowClient temporal) {
    this.temporal = temporal;
    this.taskQueue = WorkerRegistry.workflowQueue(HelmChartValidationWorkflowImpl.class);
  }

  Mono<Void> start(HelmChartValidationRequest request) {
    return Mono.<Void>fromRunnable(
            () -> {
              HelmChartValidationWorkflow workflow =
                  temporal.newWorkflowStub(
                      HelmChartValidationWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(request.workflowId())
                          .setTaskQueue(taskQueue)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(
                              "Validate chart " + request.name() + " " + request.version())
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, request.ownerId())
                                  .set(
                                      ShipyardSearchAttributes.KIND,
                                      HelmChartValidationRequest.KIND)
                                  .set(ShipyardSearchAttributes.STATUS, "validating")
                                  .build())
                          .build());
              WorkflowClient.start(workflow::validate, request);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }
}
