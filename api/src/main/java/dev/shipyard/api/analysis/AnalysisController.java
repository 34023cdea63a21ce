package dev.shipyard.api.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.workflows.analysis.AnalysisRequest;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * builds-analysis-api.md "Code Analysis API Endpoints": {@code POST /api/analysis/} starts an
 * analysis workflow and waits up to {@code ANALYSIS_SYNC_WAIT} for its results; {@code GET
 * /api/analysis/{analysis_id}} shows it (owner or admin; anyone else gets 404).
 */
@RestController
class AnalysisController {

  static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  static final Set<String> TYPES = Set.of("quality", "security", "types");
  private static final Pattern CAPSULE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern VERSION_ID = Pattern.compile("v?[1-9][0-9]{0,8}");

  private final AnalysisStore store;
  private final AnalysisWorkflows workflows;
  private final ObjectMapper strict;
  private final Duration syncWait;

  AnalysisController(
      AnalysisStore store,
      AnalysisWorkflows workflows,
      ObjectMapper json,
      @Value("${shipyard.analysis.sync-wait:20s}") Duration syncWait) {
    this.store = store;
    this.workflows = workflows;
    this.strict = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    this.syncWait = syncWait;
  }

  @PostMapping("/api/analysis/")
  @PreAuthorize("hasAuthority('analysis:create')")
  @RateLimit(RateClass.ANALYSIS)
  @DocumentedErrors({HttpStatus.NOT_FOUND, HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = AnalysisBodies.Create.class)))
  @ApiResponses({
    @ApiResponse(
        responseCode = "202",
        description =
            "accepted; with the results when the analysis ended within ANALYSIS_SYNC_WAIT, else"
                + " with status and null results (follow GET /api/analysis/{analysis_id})",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = AnalysisBodies.Result.class)))
  })
  public Mono<ResponseEntity<AnalysisBodies.Result>> create(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    AnalysisBodies.Create create = parse(body);
    String analysisId = Secrets.uuid().toString();
    return store
        .source(caller, create.projectName(), create.capsuleId(), create.versionId())
        .switchIfEmpty(Mono.error(() -> noProject(create)))
        .flatMap(
            source -> {
              AnalysisRequest request =
                  new AnalysisRequest(
                      analysisId,
                      caller.tenantId(),
                      caller.userId().toString(),
                      caller.username(),
                      create.projectName(),
                      source.capsuleId(),
                      source.versionId(),
                      source.manifestKey(),
                      create.analysisTypes());
              String summary =
                  "Analysis of "
                      + create.projectName()
                      + " ("
                      + String.join(", ", create.analysisTypes())
                      + ") for "
                      + caller.username();
              return store
                  .insert(request, caller)
                  .then(
                      workflows
                          .start(request, summary)
                          .onErrorResume(
                              e ->
                                  store
                                      .markFailed(
                                          request.workflowId(),
                                          "could not start: " + e.getMessage())
                                      .then(
                                          Mono.error(
                                              new ApiException(
                                                  HttpStatus.SERVICE_UNAVAILABLE,
                                                  "service_unavailable",
                                                  "The analysis could not be started; try again")))))
                  .then(workflows.await(request.workflowId(), syncWait));
            })
        .then(Mono.defer(() -> read(caller, UUID.fromString(analysisId))))
        .map(
            result ->
                ResponseEntity.accepted()
                    .location(URI.create("/api/analysis/" + analysisId))
                    .body(result));
  }

  @GetMapping("/api/analysis/{analysis_id}")
  @PreAuthorize("hasAuthority('analysis:read')")
  @DocumentedErrors({HttpStatus.NOT_FOUND})
  public Mono<AnalysisBodies.Result> get(
      @AuthenticationPrincipal Caller caller, @PathVariable("analysis_id") String analysisId) {
    UUID id;
    try {
      id = UUID.fromString(analysisId);
    } catch (IllegalArgumentException e) {
      return Mono.error(notFound(analysisId));
    }
    return read(caller, id);
  }

  private Mono<AnalysisBodies.Result> read(Caller caller, UUID id) {
    return store
        .find(caller, id)
        .switchIfEmpty(Mono.error(() -> notFound(id.toString())))
        .map(AnalysisController::result);
  }

  static AnalysisBodies.Result result(AnalysisStore.Row row) {
    String status = status(row.runStatus(), row.runPhase());
    AnalysisBodies.Stored r = "completed".equals(status) ? row.results() : null;
    return new AnalysisBodies.Result(
        row.analysisId().toString(),
        row.projectName(),
        row.createdAt() == null ? null : row.createdAt().withOffsetSameInstant(ZoneOffset.UTC),
        row.performedBy(),
        status,
        row.capsuleId(),
        row.versionId(),
        row.types(),
        r == null ? null : r.qualityScore(),
        r == null ? null : r.securityIssues(),
        r == null ? null : r.codeSmells(),
        r == null ? null : r.typeErrors(),
        r == null ? null : r.coveragePercent(),
        r == null ? null : r.recommendations(),
        r == null ? null : r.findings(),
        r == null ? null : r.findingsTotal(),
        r == null ? null : r.analyzersRun(),
        r == null ? null : r.analyzersMissing(),
        r == null ? null : r.linesOfCode(),
        "failed".equals(status) || "cancelled".equals(status) ? row.runError() : null);
  }

  /** The document's statuses from the run: {@code queued} is {@code initializing}. */
  static String status(String runStatus, String phase) {
    if (runStatus == null) {
      return "initializing";
    }
    if ("running".equals(runStatus)) {
      return "queued".equals(phase) ? "initializing" : "running";
    }
    return runStatus;
  }

  /** The body, strictly: unknown fields, bad names and unknown analysis types are 400. */
  private AnalysisBodies.Create parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw invalid("body", "The body must be a JSON object");
    }
    AnalysisBodies.Create create;
    try {
      create = strict.treeToValue(body, AnalysisBodies.Create.class);
    } catch (UnrecognizedPropertyException e) {
      throw invalid(e.getPropertyName(), "Unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw invalid("body", "The body does not match the analysis request");
    }
    if (create.projectName() == null || create.projectName().isBlank()) {
      throw invalid("project_name", "project_name is required");
    }
    if (!PROJECT_NAME.matcher(create.projectName()).matches()) {
      throw invalid(
          "project_name",
          "project_name may hold only letters, digits, '.', '_' and '-' (at most 100), starting"
              + " with a letter or digit");
    }
    if (create.analysisTypes() == null || create.analysisTypes().isEmpty()) {
      throw invalid(
          "analysis_types", "analysis_types needs one or more of quality, security, types");
    }
    List<String> unknown = new ArrayList<>();
    for (String t : create.analysisTypes()) {
      if (t == null || !TYPES.contains(t)) {
        unknown.add(String.valueOf(t));
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid(
          "analysis_types",
          "Unknown analysis type(s) " + unknown + "; use quality, security or types");
    }
    if (create.capsuleId() != null && !CAPSULE_ID.matcher(create.capsuleId()).matches()) {
      throw invalid("capsule_id", "capsule_id is not a capsule ID");
    }
    if (create.versionId() != null) {
      if (create.capsuleId() == null) {
        throw invalid("version_id", "version_id needs capsule_id");
      }
      if (!VERSION_ID.matcher(create.versionId()).matches()) {
        throw invalid("version_id", "version_id must look like v1");
      }
    }
    return new AnalysisBodies.Create(
        create.projectName(),
        List.copyOf(new LinkedHashSet<>(create.analysisTypes())),
        create.capsuleId(),
        create.versionId());
  }

  private static ApiException invalid(String field, String message) {
    return new ApiException(ApiError.validation(HttpStatus.BAD_REQUEST, field, message));
  }

  private static ApiException noProject(AnalysisBodies.Create create) {
    String what =
        create.capsuleId() != null
            ? "capsule '"
                + create.capsuleId()
                + "'"
                + (create.versionId() == null ? "" : " version " + create.versionId())
            : "project '" + create.projectName() + "'";
    return new ApiException(HttpStatus.NOT_FOUND, "not_found", "No stored " + what + " to analyse");
  }

  private static ApiException notFound(String id) {
    return new ApiException(HttpStatus.NOT_FOUND, "not_found", "Analysis " + id + " not found");
  }
}
