package dev.shipyard.api.builds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.api.web.Message;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.BuildStatus;
import dev.shipyard.workflows.builds.CancelRequest;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * builds-analysis-api.md "Build API Endpoints": create, read, list and cancel builds. A build is a
 * {@code BuildWorkflow} (ID {@code build-<task_id>}); its row and run are inserted before the
 * workflow starts, and its status is read from its run.
 */
@RestController
class BuildsController {

  /** Project names: no path or shell characters, no {@code ..}. */
  static final String PROJECT_NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

  static final int MAX_GOAL = BuildRequest.MAX_GOAL;

  private static final Pattern NAME = Pattern.compile(PROJECT_NAME);
  private static final Pattern PARAMETER_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,49}");
  private static final int MAX_PARAMETER_VALUE = 200;
  private static final Set<String> FIELDS = Set.of("project_name", "goal", "parameters");

  private final BuildStore store;
  private final BuildRuns runs;

  BuildsController(BuildStore store, BuildRuns runs) {
    this.store = store;
    this.runs = runs;
  }

  @PostMapping("/api/build/")
  @PreAuthorize("hasAuthority('build:create')")
  @RateLimit(RateClass.HEAVY)
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = BuildBodies.Create.class)))
  @ApiResponse(
      responseCode = "202",
      description = "the build is started: follow GET /api/build/{task_id}",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = BuildBodies.Created.class)))
  public Mono<ResponseEntity<BuildBodies.Created>> create(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    BuildRequest request = validate(caller, body);
    return store
        .insert(request)
        .then(
            runs.start(request)
                .onErrorResume(
                    e ->
                        store
                            .markFailed(request.workflowId(), "could not start: " + e.getMessage())
                            .then(
                                Mono.error(
                                    new ApiException(
                                        HttpStatus.SERVICE_UNAVAILABLE,
                                        "WORKFLOW_UNAVAILABLE",
                                        "The build could not be started; try again")))))
        .thenReturn(
            ResponseEntity.accepted()
                .body(
                    new BuildBodies.Created(
                        request.taskId(),
                        BuildStatus.INITIALIZING.value(),
                        "Build task created successfully")));
  }

  @GetMapping("/api/build/{task_id}")
  @PreAuthorize("hasAuthority('build:read')")
  public Mono<BuildBodies.Build> get(
      @AuthenticationPrincipal Caller caller, @PathVariable("task_id") String taskId) {
    return require(caller, taskId).map(BuildsController::body);
  }

  @GetMapping("/api/build/")
  @PreAuthorize("hasAuthority('build:read')")
  public Mono<BuildBodies.Page> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(defaultValue = "20") int limit,
      @RequestParam(defaultValue = "0") long offset,
      @RequestParam(defaultValue = "false") boolean all) {
    if (limit < 1 || limit > 100) {
      throw invalid("limit", "limit must be between 1 and 100");
    }
    if (offset < 0) {
      throw invalid("offset", "offset must be 0 or more");
    }
    return store
        .list(caller, all, limit, offset)
        .map(BuildsController::body)
        .collectList()
        .zipWith(store.count(caller, all))
        .map(t -> new BuildBodies.Page(t.getT2(), limit, offset, t.getT1()));
  }

  @DeleteMapping("/api/build/{task_id}")
  @PreAuthorize("hasAuthority('build:cancel')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  public Mono<Message> cancel(
      @AuthenticationPrincipal Caller caller, @PathVariable("task_id") String taskId) {
    return require(caller, taskId)
        .flatMap(
            build -> {
              if (build.status().isTerminal()) {
                return Mono.error(notCancellable(build.taskId(), build.status()));
              }
              return runs.cancel(
                      build.workflowId(),
                      new CancelRequest(caller.username(), "cancelled through the API"))
                  .flatMap(
                      signalled ->
                          signalled
                              ? Mono.just(new Message("Build task cancelled successfully"))
                              : Mono.error(notCancellable(build.taskId(), build.status())));
            });
  }

  private Mono<BuildStore.Row> require(Caller caller, String taskId) {
    UUID id;
    try {
      id = UUID.fromString(taskId);
    } catch (IllegalArgumentException e) {
      return Mono.error(notFound(taskId));
    }
    return store.find(caller, id).switchIfEmpty(Mono.error(() -> notFound(taskId)));
  }

  /** The request, checked field by field; nothing is stored or started when it fails. */
  private BuildRequest validate(Caller caller, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw invalid(null, "The body must be a JSON object");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw invalid(name, "Unknown field '" + clip(name) + "'");
      }
    }
    JsonNode project = body.get("project_name");
    if (project == null || !project.isTextual()) {
      throw invalid("project_name", "project_name is required and must be a string");
    }
    String projectName = project.asText();
    if (!NAME.matcher(projectName).matches() || projectName.contains("..")) {
      throw invalid(
          "project_name",
          "project_name must be 1 to 100 letters, digits, '.', '_' or '-', start with a letter or"
              + " digit and not contain '..'");
    }
    JsonNode goalNode = body.get("goal");
    if (goalNode == null || !goalNode.isTextual() || goalNode.asText().isBlank()) {
      throw invalid("goal", "goal is required and must be a non-empty string");
    }
    String goal = goalNode.asText().trim();
    if (goal.length() > MAX_GOAL) {
      throw invalid("goal", "goal must be at most " + MAX_GOAL + " characters");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    JsonNode params = body.get("parameters");
    if (params != null && !params.isNull()) {
      if (!params.isObject()) {
        throw invalid("parameters", "parameters must be an object");
      }
      if (params.size() > BuildRequest.MAX_PARAMETERS) {
        throw invalid(
            "parameters",
            "parameters may have at most " + BuildRequest.MAX_PARAMETERS + " entries");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (!PARAMETER_KEY.matcher(entry.getKey()).matches()) {
          throw invalid("parameters", "parameter name '" + clip(entry.getKey()) + "' is invalid");
        }
        JsonNode value = entry.getValue();
        if (!value.isValueNode() || value.isNull()) {
          throw invalid(
              "parameters." + entry.getKey(),
              "parameter values must be strings, numbers or booleans");
        }
        if (value.asText().length() > MAX_PARAMETER_VALUE) {
          throw invalid(
              "parameters." + entry.getKey(),
              "parameter values must be at most " + MAX_PARAMETER_VALUE + " characters");
        }
        parameters.put(entry.getKey(), value.asText());
      }
    }
    return new BuildRequest(
        Secrets.uuid().toString(),
        caller.tenantId(),
        caller.userId().toString(),
        caller.username(),
        projectName,
        goal,
        parameters,
        null);
  }

  private static BuildBodies.Build body(BuildStore.Row r) {
    return new BuildBodies.Build(
        r.taskId().toString(),
        r.projectName(),
        r.status().value(),
        r.status() == BuildStatus.COMPLETED ? 100 : r.progress(),
        r.createdAt().toInstant().toString(),
        r.createdBy(),
        r.goal(),
        r.results(),
        r.status() == BuildStatus.FAILED || r.status() == BuildStatus.CANCELLED ? r.error() : null);
  }

  private static String clip(String value) {
    return value.length() > 50 ? value.substring(0, 50) + "..." : value;
  }

  private static ApiException invalid(String field, String message) {
    return new ApiException(
        new ApiError(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", message, field));
  }

  private static ApiException notFound(String taskId) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "BUILD_NOT_FOUND", "Build task " + clip(taskId) + " not found");
  }

  private static ApiException notCancellable(UUID taskId, BuildStatus status) {
    return new ApiException(
        HttpStatus.CONFLICT,
        "BUILD_NOT_CANCELLABLE",
        "Build task " + taskId + " cannot be cancelled: it is already " + status.value());
  }
}
