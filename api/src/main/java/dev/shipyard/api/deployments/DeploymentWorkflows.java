package dev.shipyard.api.deployments;

import dev.shipyard.api.error.ApiException;
import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.deployments.DeploymentFailure;
import dev.shipyard.workflows.deployments.DeploymentInput;
import dev.shipyard.workflows.deployments.DeploymentPhase;
import dev.shipyard.workflows.deployments.DeploymentState;
import dev.shipyard.workflows.deployments.DeploymentWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Functions;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The API's calls to deployment workflows: the start, the typed Workflow Updates of every change
 * and the {@code state} query, all off the event loop and bounded in time. Failures become answers
 * in the family's shape: a validator's {@code CONFLICT} 409, {@code NOT_FOUND} (and a closed or
 * absent workflow) 404, a cluster that refused the objects 422, Temporal or the cluster unreachable
 * (or no answer in time) 503.
 */
@Component
class DeploymentWorkflows {

  private static final Logger log = LoggerFactory.getLogger(DeploymentWorkflows.class);

  private final WorkflowClient temporal;

  DeploymentWorkflows(WorkflowClient temporal) {
    this.temporal = temporal;
  }

  /** Starts the workflow {@code deployment-<id>} (reuse policy: reject duplicates). */
  Mono<Void> start(DeploymentInput input, String summary) {
    return Mono.<Void>fromRunnable(
            () -> {
              DeploymentWorkflow workflow =
                  temporal.newWorkflowStub(
                      DeploymentWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(input.target().workflowId())
                          .setTaskQueue(TaskQueues.DEPLOYMENTS)
                          .setWorkflowIdReusePolicy(
                              WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                          .setStaticSummary(summary)
                          .setTypedSearchAttributes(
                              SearchAttributes.newBuilder()
                                  .set(ShipyardSearchAttributes.TENANT, input.tenantId())
                                  .set(ShipyardSearchAttributes.OWNER, input.target().ownerId())
                                  .set(ShipyardSearchAttributes.KIND, DeploymentInput.KIND)
                                  .set(
                                      ShipyardSearchAttributes.STATUS,
                                      DeploymentPhase.PENDING.value())
                                  .build())
                          .build());
              WorkflowClient.start(workflow::run, input);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * A typed update on the workflow ({@code change} picks the method of the stub, for example {@code
   * w -> w::scale}): sent off the event loop, accepted or refused by its validator, then its result
   * awaited for at most {@code timeout}.
   */
  <R> Mono<R> update(
      String workflowId,
      Function<DeploymentWorkflow, WorkflowUpdateHandleStarter<R>> change,
      Duration timeout) {
    return Mono.fromCallable(
            () -> {
              DeploymentWorkflow stub =
                  temporal.newWorkflowStub(DeploymentWorkflow.class, workflowId);
              WorkflowUpdateHandle<R> handle = change.apply(stub).start();
              return handle.getResultAsync(timeout.toMillis(), TimeUnit.MILLISECONDS);
            })
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(Mono::fromFuture)
        .timeout(timeout.plusSeconds(1))
        .retryWhen(
            Retry.backoff(CONTINUING_RETRIES, Duration.ofMillis(200))
                .maxBackoff(Duration.ofSeconds(2))
                .filter(DeploymentWorkflows::continuingAsNew)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
        .onErrorMap(e -> translate(workflowId, e));
  }

  /**
   * How often a change refused with {@code CONTINUING_AS_NEW} is sent again (200 ms, 400 ms, ... up
   * to 2 s apart: about 10 s in all, while a run continues as new within a second or two).
   */
  static final int CONTINUING_RETRIES = 8;

  /** Whether the run refused the change until it has continued as new (nothing was recorded). */
  static boolean continuingAsNew(Throwable error) {
    ApplicationFailure failure = applicationFailure(unwrap(error));
    return failure != null && DeploymentFailure.CONTINUING_AS_NEW.type().equals(failure.getType());
  }

  /** Starts an update; built by {@link #accepted}. */
  @FunctionalInterface
  interface WorkflowUpdateHandleStarter<R> {
    WorkflowUpdateHandle<R> start();
  }

  /** A typed update with one argument ({@code w::scale, change}), returning once accepted. */
  static <A, R> WorkflowUpdateHandleStarter<R> call(Functions.Func1<A, R> method, A argument) {
    return () -> WorkflowClient.startUpdate(method, argument, accepted());
  }

  /** A typed update without argument ({@code w::refresh}), returning once accepted. */
  static <R> WorkflowUpdateHandleStarter<R> call(Functions.Func<R> method) {
    return () -> WorkflowClient.startUpdate(method, accepted());
  }

  /** Update options that return once the validator accepted the update. */
  static <R> UpdateOptions<R> accepted() {
    return UpdateOptions.<R>newBuilder().setWaitForStage(WorkflowUpdateStage.ACCEPTED).build();
  }

  /** The {@code state} query, for at most {@code timeout}. */
  Mono<DeploymentState> state(String workflowId, Duration timeout) {
    return Mono.fromCallable(
            () -> temporal.newWorkflowStub(DeploymentWorkflow.class, workflowId).state())
        .subscribeOn(Schedulers.boundedElastic())
        .timeout(timeout)
        .onErrorMap(e -> translate(workflowId, e));
  }

  /** The answer for a failed call to the workflow. */
  static Throwable translate(String workflowId, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ApiException) {
      return e;
    }
    ApplicationFailure failure = applicationFailure(e);
    if (failure != null) {
      String type = failure.getType();
      String message = failure.getOriginalMessage();
      if (DeploymentFailure.CONFLICT.type().equals(type)) {
        return new ApiException(HttpStatus.CONFLICT, "CONFLICT", message);
      }
      if (DeploymentFailure.CONTINUING_AS_NEW.type().equals(type)) {
        return new ApiException(
            HttpStatus.SERVICE_UNAVAILABLE,
            "WORKFLOW_BUSY",
            "The deployment is compacting its history and took no change; try again");
      }
      if (DeploymentFailure.NOT_FOUND.type().equals(type)) {
        return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", message);
      }
      if (DeploymentFailure.CLUSTER_REFUSED.type().equals(type)) {
        return new ApiException(
            HttpStatus.UNPROCESSABLE_ENTITY, "CLUSTER_REFUSED", "The cluster refused: " + message);
      }
      if (DeploymentFailure.CLUSTER_UNAVAILABLE.type().equals(type)
          || DeploymentFailure.NAMESPACE_TERMINATING.type().equals(type)) {
        return new ApiException(
            HttpStatus.SERVICE_UNAVAILABLE,
            "CLUSTER_UNAVAILABLE",
            "The cluster is unavailable: " + message);
      }
    }
    if (e instanceof WorkflowNotFoundException || grpc(e, Status.Code.NOT_FOUND)) {
      return new ApiException(
          HttpStatus.NOT_FOUND,
          "NOT_FOUND",
          "The deployment's workflow " + workflowId + " is not running");
    }
    if (e instanceof TimeoutException || e instanceof WorkflowUpdateTimeoutOrCancelledException) {
      return new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "WORKFLOW_TIMEOUT",
          "The deployment did not answer in time; the change may still be applied: read the"
              + " deployment again");
    }
    if (grpc(e, Status.Code.UNAVAILABLE) || grpc(e, Status.Code.DEADLINE_EXCEEDED)) {
      return new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "WORKFLOW_UNAVAILABLE",
          "Temporal is unavailable; try again");
    }
    log.warn("Call to workflow {} failed", workflowId, e);
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        "WORKFLOW_UNAVAILABLE",
        "The deployment's workflow could not be reached; try again");
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The first {@link ApplicationFailure} of an update failure typed by {@link DeploymentFailure} (a
   * validator's refusal arrives wrapped: its typed failure is the cause), if any.
   */
  private static ApplicationFailure applicationFailure(Throwable e) {
    if (!(e instanceof WorkflowUpdateException)) {
      return null;
    }
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ApplicationFailure af) {
        for (DeploymentFailure type : DeploymentFailure.values()) {
          if (type.type().equals(af.getType())) {
            return af;
          }
        }
      }
    }
    return null;
  }

  private static boolean grpc(Throwable e, Status.Code code) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof StatusRuntimeException sre && sre.getStatus().getCode() == code) {
        return true;
      }
    }
    return false;
  }
}
