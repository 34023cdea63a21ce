package dev.shipyard.api.capsules;

import dev.shipyard.workflows.capsules.CapsuleStatus;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A row of {@code capsules}, with its JSON columns parsed, and its status and error from the
 * capsule's run ({@code workflow_runs}).
 */
record CapsuleRecord(
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
    Map<String, Object> validation,
    Map<String, Object> preview,
    List<Object> iterations,
    int refinementIterations,
    String error,
    String workflowId,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  /** The status as the API shows it: {@code queued}, ..., {@code stored}, {@code failed}, ... */
  String status() {
    return state.value();
  }

  boolean finished() {
    return state.finished();
  }
}
