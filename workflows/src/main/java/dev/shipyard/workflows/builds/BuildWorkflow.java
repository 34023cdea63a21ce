package dev.shipyard.workflows.builds;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A build: prepare the project (the caller's capsule of that name, generated when none exists; the
 * goal applied) → build and test it with the real toolchain → record the results. Workflow ID
 * {@code build-<task_id>}. The {@code cancel} signal cancels the running step (its process tree is
 * killed before the build is recorded {@code cancelled}).
 */
@WorkflowInterface
public interface BuildWorkflow {

  @WorkflowMethod
  BuildOutcome build(BuildRequest request);

  @SignalMethod
  void cancel(CancelRequest request);

  @QueryMethod
  BuildState state();
}
