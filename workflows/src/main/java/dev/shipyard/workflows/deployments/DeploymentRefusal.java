package dev.shipyard.workflows.deployments;

import io.temporal.failure.ApplicationFailure;

/**
 * What an update validator throws to refuse a change. Temporal's Java SDK (1.38) does not keep the
 * type of an {@link ApplicationFailure} thrown by a validator: the caller receives type {@code
 * io.temporal.internal.worker.WorkflowExecutionException}. Any other exception reaches the caller
 * as an {@code ApplicationFailure} of the exception's class name with its cause kept, so the
 * refusal is this exception carrying the {@link DeploymentFailure} failure as its cause; {@link
 * DeploymentFailure#of(Throwable)} finds the type (409 or 404) in the caller's exception.
 */
public final class DeploymentRefusal extends RuntimeException {

  DeploymentRefusal(ApplicationFailure failure) {
    super(failure.getOriginalMessage(), failure);
  }

  /** The typed failure, as an update handler throws it (there the type is kept). */
  public ApplicationFailure failure() {
    return (ApplicationFailure) getCause();
  }
}
