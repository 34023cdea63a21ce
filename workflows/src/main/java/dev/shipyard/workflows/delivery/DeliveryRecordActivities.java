package dev.shipyard.workflows.delivery;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * A delivery's bookkeeping: its results into {@code delivery_results} and its outbox events into
 * {@code capsule_events} ({@code capsule.delivered} when a destination succeeded, {@code
 * delivery.failed} when one failed), in one transaction, and the erasure of the credentials sealed
 * for this delivery alone. Idempotent: a retry rewrites the same rows and writes each event once.
 */
@ActivityInterface(namePrefix = "DeliveryRecord")
public interface DeliveryRecordActivities {

  @ActivityMethod
  void recordResults(DeliveryRequest request, DeliveryResult result);
}
