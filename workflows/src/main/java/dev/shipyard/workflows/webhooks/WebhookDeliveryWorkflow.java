package dev.shipyard.workflows.webhooks;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Delivers one webhook message to one endpoint on the Standard Webhooks retry schedule. */
@WorkflowInterface
public interface WebhookDeliveryWorkflow {

  @WorkflowMethod
  WebhookDelivery deliver(WebhookDispatch dispatch);
}
