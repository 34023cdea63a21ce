package dev.shipyard.api.capsules;

import dev.shipyard.workflows.capsules.CapsuleStatus;
import dev.shipyard.workflows.capsules.Iteration;
import dev.shipyard.workflows.capsules.Preview;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A row of {@code capsules}, with its JSON columns parsed (the worker's into the typed records of
 * {@code workflows}), and its status and error from the capsule's run ({@code workflow_runs}).
 */
public record CapsuleRecord(
    String id,
    String requestId,
    String tenantId,
    UUID ownerId,
    CapsuleStatus state,
    String description,
    String requirements,
    String projectName,
    Map<String, Object> constraints,
    String engine,
    double targetScore,
    int fileCount,
    long totalSizeBytes,
    Double confidenceScore,
    List<String> languages,
    List<String> frameworks,
    ValidationReport validation,
    Preview preview,
    List<Iteration> iterations,
    int refinementIterations,
    String error,
    String workflowId,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  /** The status as the API shows it: {@code queued}, ..., {@code stored}, {@code failed}, ... */
  public String status() {
    return state.value();
  }

  public boolean finished() {
    return state.finished();
  }
}
