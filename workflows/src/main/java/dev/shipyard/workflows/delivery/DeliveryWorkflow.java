package dev.shipyard.workflows.delivery;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One delivery (capsules-api.md §4): one destination step per target, all at once, each retried
 * within its provider's window; a failed destination never fails the others nor the delivery.
 * Workflow ID {@code delivery-<delivery id>}; status through the run projection (kind {@code
 * delivery}); the results in {@code delivery_results}, the events in {@code capsule_events}.
 */
@WorkflowInterface
public interface DeliveryWorkflow {

  @WorkflowMethod
  DeliveryResult deliver(DeliveryRequest request);

  /** The destinations that ended so far. */
  @QueryMethod
  DeliveryProgress progress();
}
