package dev.shipyard.workflows.deployments;

import io.temporal.failure.ApplicationFailure;
import java.util.Optional;

/**
 * Every typed failure of deployments: the rejections of update validators (which the API maps to
 * 409 and 404) and the failures of activities, with whether Temporal retries them.
 */
public enum DeploymentFailure {
  /** A validator refused an impossible transition: 409, nothing recorded. */
  CONFLICT(false),
  /** A validator found no such domain, service or release: 404, nothing recorded. */
  NOT_FOUND(false),
  /**
   * A validator refused a change because the run must continue as new first (its history is past
   * the hard limit): nothing recorded; the API sends the change again, and it reaches the new run.
   */
  CONTINUING_AS_NEW(false),
  /** The cluster could not be reached or answered 5xx/429: retried with the profile's backoff. */
  CLUSTER_UNAVAILABLE(true),
  /** The cluster refused the objects (4xx other than 409/429, such as an invalid spec). */
  CLUSTER_REFUSED(false),
  /** The sealed environment or registry credentials of the spec could not be opened. */
  SECRETS_UNAVAILABLE(false),
  /** The deployment's namespace is being deleted: retried until it is gone. */
  NAMESPACE_TERMINATING(true);

  private final boolean retryable;

  DeploymentFailure(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The failure's type name, as Temporal carries it. */
  public String type() {
    return name();
  }

  /**
   * The refusal of an update validator: a {@link DeploymentRefusal} whose cause is {@link
   * #failure(String)} (see {@link DeploymentRefusal} for why it is not the failure itself).
   */
  public DeploymentRefusal refusal(String message) {
    return new DeploymentRefusal(failure(message));
  }

  /**
   * The deployment failure type in an exception's cause chain (the {@code WorkflowUpdateException}
   * of a refused or failed update, an activity failure), if any.
   */
  public static Optional<DeploymentFailure> of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app) {
        for (DeploymentFailure type : values()) {
          if (type.type().equals(app.getType())) {
            return Optional.of(type);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** An {@link ApplicationFailure} of this type, retryable or not as the type says. */
  public ApplicationFailure failure(String message) {
    return retryable
        ? ApplicationFailure.newFailure(message, type())
        : ApplicationFailure.newNonRetryableFailure(message, type());
  }
}
