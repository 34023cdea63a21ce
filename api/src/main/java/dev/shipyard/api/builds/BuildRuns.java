package dev.shipyard.api.builds;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.BuildStatus;
import dev.shipyard.workflows.builds.BuildWorkflow;
import dev.shipyard.workflows.builds.CancelRequest;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Starts build workflows and signals their cancel; blocking client calls off the event loop. */
@Component
class BuildRuns {

  private final WorkflowClient temporal;

  BuildRuns(WorkflowClient temporal) {
    this.temporal = temporal;
  }

  Mono<Void> start(BuildRequest request) {
    return Mono.<Void>fromRunnable(
            () -> {
              BuildWorkflow workflow =
                  temporal.newWorkflowStub(
                      BuildWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(request.workflowId())
                          .setTaskQueue(TaskQueues.BUILDS)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(summary(request))
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, request.ownerId())
                                  .set(ShipyardSearchAttributes.KIND, BuildRequest.KIND)
                                  .set(
                                      ShipyardSearchAttributes.STATUS,
                                      BuildStatus.INITIALIZING.value())
                                  .build())
                          .build());
              WorkflowClient.start(workflow::build, request);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Signals {@code cancel}; false when the workflow is already closed or gone. */
  Mono<Boolean> cancel(String workflowId, CancelRequest request) {
    return Mono.fromCallable(
            () -> {
              try {
                temporal.newWorkflowStub(BuildWorkflow.class, workflowId).cancel(request);
                return true;
              } catch (WorkflowNotFoundException e) {
                return false;
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Who built which project, for the Web UI (no secret: the goal is the caller's text). */
  static String summary(BuildRequest request) {
    String goal = request.goal();
    if (goal.length() > 120) {
      goal = goal.substring(0, 117) + "...";
    }
    return "Build of " + request.projectName() + " by " + request.createdBy() + ": " + goal;
  }
}
