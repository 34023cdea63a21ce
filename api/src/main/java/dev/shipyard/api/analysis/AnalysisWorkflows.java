package dev.shipyard.api.analysis;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.analysis.AnalysisRequest;
import dev.shipyard.workflows.analysis.AnalysisSummary;
import dev.shipyard.workflows.analysis.AnalysisWorkflow;
import dev.shipyard.workflows.analysis.AnalysisWorkflowImpl;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Starts and awaits analysis workflows, off the event loop. */
@Component
class AnalysisWorkflows {

  private final WorkflowClient temporal;
  private final String taskQueue;

  AnalysisWorkflows(WorkflowClient temporal) {
    this.temporal = temporal;
    this.taskQueue = WorkerRegistry.workflowQueue(AnalysisWorkflowImpl.class);
  }

  Mono<Void> start(AnalysisRequest request, String summary) {
    return Mono.<Void>fromRunnable(
            () -> {
              AnalysisWorkflow workflow =
                  temporal.newWorkflowStub(
                      AnalysisWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(request.workflowId())
                          .setTaskQueue(taskQueue)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(summary)
                          .setStaticDetails(
                              "Capsule "
                                  + request.capsuleId()
                                  + (request.versionId() == null ? "" : " " + request.versionId())
                                  + ", analyses "
                                  + request.types())
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, request.ownerId())
                                  .set(ShipyardSearchAttributes.KIND, AnalysisRequest.KIND)
                                  .set(ShipyardSearchAttributes.STATUS, "initializing")
                                  .build())
                          .build());
              WorkflowClient.start(workflow::analyze, request);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Completes when the workflow ended or {@code wait} passed, whichever is first. */
  Mono<Void> await(String workflowId, Duration wait) {
    if (wait.isZero() || wait.isNegative()) {
      return Mono.empty();
    }
    WorkflowStub stub =
        temporal.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty());
    return Mono.fromFuture(
            () ->
                stub.getResultAsync(wait.toMillis(), TimeUnit.MILLISECONDS, AnalysisSummary.class))
        .then()
        .onErrorResume(TimeoutException.class, e -> Mono.empty())
        .onErrorResume(WorkflowException.class, e -> Mono.empty());
  }
}
