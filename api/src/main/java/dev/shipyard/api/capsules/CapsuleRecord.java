package dev.shipyard.api.capsules;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A row of {@code capsules}, with its JSON columns parsed. */
record CapsuleRecord(
    String id,
    String requestId,
    String tenantId,
    UUID ownerId,
    String status,
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

  boolean finished() {
    return "stored".equals(status) || "failed".equals(status) || "cancelled".equals(status);
  }
}
