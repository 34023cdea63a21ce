package dev.shipyard.workflows.capsules;

import io.temporal.activity.ActivityInterface;

/**
 * Validation by real checks (compilers, parsers, generated tests): CPU-heavy, on its own task
 * queue. The full report is stored as a blob; the workflow gets a bounded summary.
 */
@ActivityInterface(namePrefix = "CapsuleValidation")
public interface CapsuleValidationActivities {

  ValidationSummary validate(GenerationRequest request, ProjectPlan plan, FileSet files);
}
