package dev.shipyard.workflows.delivery;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Delivers a capsule version to one destination (platform queue, {@code DESTINATION} profile:
 * heartbeats; the workflow bounds its retries by the provider's window): opens the target's sealed
 * credentials at the last moment and hands the version to the {@code DeliveryDestination} of the
 * target's mode. Fails with a {@link DeliveryFailure} type, non-retryable when retrying cannot
 * help. Idempotent: a retried attempt overwrites its own object (or finds its own commit) and
 * leaves no duplicate.
 */
@ActivityInterface(namePrefix = "DeliveryDestination")
public interface DeliveryDestinationActivities {

  @ActivityMethod
  DestinationResult deliver(DestinationRequest request);
}
