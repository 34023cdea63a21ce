package dev.shipyard.workflows.analysis;

import java.util.List;

/**
 * One analysis to run (bounded: IDs and names only; the files stay in object storage).
 *
 * @param analysisId the {@code analysis_id}
 * @param tenantId the owner's tenant
 * @param ownerId the owner (the user who asked)
 * @param performedBy the owner's username
 * @param projectName the project's name
 * @param capsuleId the capsule analysed
 * @param versionId the capsule version analysed ({@code v<n>}), may be null
 * @param manifestKey the object key of the capsule's file manifest
 * @param types the analyses asked: {@code quality}, {@code security}, {@code types}
 */
public record AnalysisRequest(
    String analysisId,
    String tenantId,
    String ownerId,
    String performedBy,
    String projectName,
    String capsuleId,
    String versionId,
    String manifestKey,
    List<String> types) {

  public static final String KIND = "analysis";

  public AnalysisRequest {
    types = List.copyOf(types);
  }

  /** The business ID of the analysis's workflow. */
  public static String workflowId(String analysisId) {
    return "analysis-" + analysisId;
  }

  public String workflowId() {
    return workflowId(analysisId);
  }
}
