package dev.shipyard.workflows.capsules;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Generates a capsule: plan → generate → validate → (refine → validate)* until the target score or
 * the iteration limit → store → emit {@code capsule.created}. Workflow ID {@code
 * capsule-<capsuleId>}; cancel it to stop (the capsule is then marked cancelled).
 */
@WorkflowInterface
public interface CapsuleGenerationWorkflow {

  @WorkflowMethod
  GenerationResult generate(GenerationRequest request);

  @QueryMethod
  GenerationProgress progress();
}
