package dev.shipyard.workflows.images;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An image build: build the capsule version's image with Jib and push it → record what the registry
 * serves. Workflow ID {@code image-<id>}. Status through the run projection (kind {@code image}:
 * phase {@code building}, then {@code built} or {@code failed} with the step and cause).
 */
@WorkflowInterface
public interface ImageBuildWorkflow {

  @WorkflowMethod
  BuiltImage build(ImageBuildRequest request);

  /** The current step. */
  @QueryMethod
  String step();
}
