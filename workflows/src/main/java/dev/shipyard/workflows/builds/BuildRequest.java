package dev.shipyard.workflows.builds;

import java.util.Map;

/**
 * The input of a build (builds-analysis-api.md {@code POST /api/build/}). Holds no secret.
 *
 * @param taskId the build's {@code task_id} (the workflow ID is {@code build-<taskId>})
 * @param tenantId the owner's tenant
 * @param ownerId the owner's user ID
 * @param createdBy the owner's username when the build was asked (shown in the Web UI)
 * @param projectName the project: the caller's latest stored capsule of that name, generated when
 *     none exists
 * @param goal what to apply to the project, at most {@link #MAX_GOAL} characters
 * @param parameters bounded string parameters ({@code framework}, {@code database}, ...), at most
 *     {@link #MAX_PARAMETERS}
 * @param engine the generation engine for a project that does not exist yet ({@code offline} or
 *     {@code llm}), null for the worker's default
 */
public record BuildRequest(
    String taskId,
    String tenantId,
    String ownerId,
    String createdBy,
    String projectName,
    String goal,
    Map<String, String> parameters,
    String engine) {

  /** The longest goal accepted. */
  public static final int MAX_GOAL = 2_000;

  /** The most parameters accepted. */
  public static final int MAX_PARAMETERS = 20;

  /** The kind of build runs in {@code workflow_runs} and of their task events. */
  public static final String KIND = "build";

  public BuildRequest {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }

  public String workflowId() {
    return workflowId(taskId);
  }

  public static String workflowId(String taskId) {
    return "build-" + taskId;
  }
}
