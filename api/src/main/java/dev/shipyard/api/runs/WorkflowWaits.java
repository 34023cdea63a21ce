package dev.shipyard.api.runs;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * The bounded wait of endpoints that start a workflow and answer 200 when it ended in time, else
 * 202 with where to poll: the result is read from the projection afterwards, never from here.
 */
public final class WorkflowWaits {

  private WorkflowWaits() {}

  /**
   * Completes when the workflow ended (whatever its outcome) or {@code wait} passed, whichever is
   * first; never blocks a thread (the client's future).
   */
  public static Mono<Void> await(
      WorkflowClient temporal, String workflowId, Duration wait, Class<?> resultType) {
    if (wait.isZero() || wait.isNegative()) {
      return Mono.empty();
    }
    WorkflowStub stub =
        temporal.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty());
    return Mono.fromFuture(
            () -> stub.getResultAsync(wait.toMillis(), TimeUnit.MILLISECONDS, resultType))
        .then()
        .onErrorResume(TimeoutException.class, e -> Mono.empty())
        .onErrorResume(WorkflowException.class, e -> Mono.empty());
  }
}
