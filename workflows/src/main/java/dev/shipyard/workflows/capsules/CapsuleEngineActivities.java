package dev.shipyard.workflows.capsules;

import io.temporal.activity.ActivityInterface;

/**
 * The generation engine's steps (offline templates or an LLM). Long steps: they heartbeat.
 * Idempotent: files are content-addressed blobs and manifests are keyed by their digest. Failures
 * are typed by {@link GenerationFailure}.
 */
@ActivityInterface(namePrefix = "CapsuleEngine")
public interface CapsuleEngineActivities {

  ProjectPlan plan(GenerationRequest request);

  FileSet generate(GenerationRequest request, ProjectPlan plan);

  /** The next version of {@code files}; reads the full report behind {@code report.reportKey()}. */
  FileSet refine(
      GenerationRequest request, ProjectPlan plan, FileSet files, ValidationSummary report);
}
