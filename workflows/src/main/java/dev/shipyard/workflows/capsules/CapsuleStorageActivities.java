package dev.shipyard.workflows.capsules;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Storing a capsule: its version manifest in object storage and its business row. */
@ActivityInterface(namePrefix = "CapsuleStorage")
public interface CapsuleStorageActivities {

  /**
   * Writes the capsule version (manifest) and the capsule's data (plan, full validation, preview,
   * iterations; not its status, which is the run projection's); returns the version key.
   */
  String store(
      GenerationRequest request,
      ProjectPlan plan,
      FileSet files,
      ValidationSummary report,
      List<Iteration> iterations);
}
