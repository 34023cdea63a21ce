package dev.shipyard.api.capsules;

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.capsules.CapsuleGenerationWorkflow;
import dev.shipyard.workflows.capsules.GenerationProgress;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.GenerationResult;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Starts, awaits, queries and cancels capsule generation workflows. Blocking Temporal client calls
 * run on the bounded elastic scheduler; waiting for a result uses the client's async long poll.
 */
@Component
class CapsuleGenerations {

  private final WorkflowClient temporal;

  CapsuleGenerations(WorkflowClient temporal) {
    this.temporal = temporal;
  }

  /** Starts the workflow; a second start of the same capsule attaches to the first (idempotent). */
  Mono<Void> start(GenerationRequest request, String summary) {
    return Mono.<Void>fromRunnable(
            () -> {
              CapsuleGenerationWorkflow workflow =
                  temporal.newWorkflowStub(
                      CapsuleGenerationWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(request.workflowId())
                          .setTaskQueue(TaskQueues.CAPSULES)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(summary)
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, request.userId())
                                  .set(ShipyardSearchAttributes.KIND, "capsule-generation")
                                  .set(ShipyardSearchAttributes.STATUS, "queued")
                                  .build())
                          .build());
              try {
                WorkflowClient.start(workflow::generate, request);
              } catch (WorkflowExecutionAlreadyStarted already) {
                // The same request again: its generation is already under way or done.
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** The outcome within {@code wait}, or empty when still running. */
  Mono<Outcome> await(String workflowId, Duration wait) {
    WorkflowStub stub =
        temporal.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty());
    return Mono.fromFuture(
            () ->
                stub.getResultAsync(wait.toMillis(), TimeUnit.MILLISECONDS, GenerationResult.class))
        .map(result -> (Outcome) new Outcome.Done(result))
        .onErrorResume(TimeoutException.class, e -> Mono.empty())
        .onErrorResume(
            WorkflowFailedException.class, e -> Mono.just(new Outcome.Failed(reason(e))));
  }

  /** The live progress of a running generation, or empty when its workflow is gone. */
  Mono<GenerationProgress> progress(String workflowId) {
    return Mono.fromCallable(
            () -> temporal.newWorkflowStub(CapsuleGenerationWorkflow.class, workflowId).progress())
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorResume(WorkflowNotFoundException.class, e -> Mono.empty());
  }

  Mono<Void> cancel(String workflowId) {
    return Mono.<Void>fromRunnable(
            () ->
                temporal
                    .newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty())
                    .cancel())
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** How a generation ended. */
  sealed interface Outcome {
    record Done(GenerationResult result) implements Outcome {}

    record Failed(String reason) implements Outcome {}
  }

  private static String reason(WorkflowFailedException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure) {
        return "cancelled on request";
      }
      if (t instanceof ApplicationFailure app) {
        return app.getOriginalMessage();
      }
    }
    return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
  }
}
