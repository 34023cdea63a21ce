package dev.shipyard.workflows.capsules;

import java.util.Map;

/**
 * The input of a capsule generation (capsules-api.md {@code POST /generate/robust-capsule}). It
 * holds no secret: the LLM key and the webhook signing secret stay in the worker's configuration.
 *
 * @param capsuleId the capsule to produce (the workflow ID is {@code capsule-<capsuleId>})
 * @param requestId the caller's request ID ({@code id} in the request body)
 * @param tenantId the owner's tenant
 * @param userId the owner
 * @param description what to build
 * @param requirements further requirements, free text (may be empty)
 * @param constraints {@code language}, {@code framework}, {@code database}, ...
 * @param targetScore the validation score to reach (default 0.9)
 * @param maxIterations how many validate rounds at most (the first generation included)
 * @param engine the generation engine: {@code offline} or {@code llm}
 * @param webhookUrl where to POST a signed {@code capsule.created} event when done, or null
 */
public record GenerationRequest(
    String capsuleId,
    String requestId,
    String tenantId,
    String userId,
    String description,
    String requirements,
    Map<String, String> constraints,
    double targetScore,
    int maxIterations,
    String engine,
    String webhookUrl) {

  public String workflowId() {
    return workflowId(capsuleId);
  }

  public static String workflowId(String capsuleId) {
    return "capsule-" + capsuleId;
  }
}
