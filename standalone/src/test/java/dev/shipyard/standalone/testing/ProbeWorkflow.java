package dev.shipyard.standalone.testing;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A test-only workflow that exercises the platform plumbing the way feature workflows will: it
 * projects its status through the real projection activity, sets the Shipyard search attributes,
 * waits for a signal and answers a query.
 */
@WorkflowInterface
public interface ProbeWorkflow {

  @WorkflowMethod
  String run(String tenantId, String ownerId);

  @SignalMethod
  void finish(String message);

  @QueryMethod
  String stage();
}
