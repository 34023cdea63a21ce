package dev.shipyard.workflows.capsules;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * The side effects of a generation. Every step is idempotent: files are content-addressed blobs,
 * manifests are keyed by their digest, database writes are upserts. Engines and validators that
 * find a request impossible fail with a non-retryable {@code ApplicationFailure} of type {@link
 * GenerationFailure}.
 */
@ActivityInterface
public interface CapsuleActivities {

  ProjectPlan plan(GenerationRequest request);

  FileSet generate(GenerationRequest request, ProjectPlan plan);

  ValidationReport validate(GenerationRequest request, ProjectPlan plan, FileSet files);

  FileSet refine(
      GenerationRequest request, ProjectPlan plan, FileSet files, ValidationReport report);

  /** Writes the capsule version (manifest) and the capsule's final row; returns the version key. */
  String store(
      GenerationRequest request,
      ProjectPlan plan,
      FileSet files,
      ValidationReport report,
      List<Iteration> iterations);

  /** Sets the capsule's status (and an error text for failures) in PostgreSQL. */
  void recordStatus(String capsuleId, CapsuleStatus status, String error);

  /** Records the {@code capsule.created} event and sends the signed webhook, if one was asked. */
  void emitCreated(GenerationRequest request, double score);
}
