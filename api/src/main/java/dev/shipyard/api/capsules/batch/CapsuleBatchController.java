package dev.shipyard.api.capsules.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.ratelimit.RateClass;
import dev.shipyard.api.ratelimit.RateLimit;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.workflows.capsules.batch.BatchExportItem;
import dev.shipyard.workflows.capsules.batch.BatchExportRequest;
import dev.shipyard.workflows.capsules.batch.ExportItemResult;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.responses.ApiResponses;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
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
 * capsules-api.md §12: {@code POST /capsule/batch/export} starts one batch export workflow and
 * waits up to {@code CAPSULE_BATCH_WAIT} for it (200 with the documented body, else 202 with where
 * to poll); {@code GET /capsule/batch/export/{batch_id}} answers the same body (its owner only).
 */
@RestController
class CapsuleBatchController {

  private static final Pattern CAPSULE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern VERSION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final BatchExportStore store;
  private final BatchExportWorkflows workflows;
  private final DownloadLinks links;
  private final BatchExportProperties properties;
  private final ObjectMapper strict;

  CapsuleBatchController(
      BatchExportStore store,
      BatchExportWorkflows workflows,
      DownloadLinks links,
      BatchExportProperties properties,
      ObjectMapper json) {
    this.store = store;
    this.workflows = workflows;
    this.links = links;
    this.properties = properties;
    this.strict = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  }

  @PostMapping("/capsule/batch/export")
  @PreAuthorize("hasAuthority('capsule:read')")
  @RateLimit(RateClass.BATCH)
  @DocumentedErrors({HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = BatchBodies.ExportRequest.class)))
  @ApiResponses({
    @ApiResponse(
        responseCode = "200",
        description = "the batch ended within CAPSULE_BATCH_WAIT: one result per capsule",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = BatchBodies.Batch.class))),
    @ApiResponse(
        responseCode = "202",
        description = "still running: poll status_url (Location)",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = BatchBodies.Batch.class)))
  })
  public Mono<ResponseEntity<BatchBodies.Batch>> export(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    BatchBodies.ExportRequest parsed = parse(body);
    String batchId = Secrets.uuid().toString();
    Map<String, String> versions = parsed.versionIds() == null ? Map.of() : parsed.versionIds();
    BatchExportRequest request =
        new BatchExportRequest(
            batchId,
            caller.tenantId(),
            caller.userId().toString(),
            caller.seesWholeTenant(),
            parsed.format(),
            parsed.capsuleIds().stream()
                .map(id -> new BatchExportItem(id, versions.get(id)))
                .toList(),
            properties.parallelism());
    return store
        .insert(request, caller)
        .then(
            workflows
                .start(request, caller.username())
                .onErrorResume(
                    e ->
                        store
                            .markFailed(request.workflowId(), "could not start: " + e.getMessage())
                            .then(
                                Mono.error(
                                    new ApiException(
                                        HttpStatus.SERVICE_UNAVAILABLE,
                                        "SERVICE_UNAVAILABLE",
                                        "The batch export could not be started; try again")))))
        .then(workflows.await(request.workflowId(), properties.syncWait()))
        .then(Mono.defer(() -> read(caller, UUID.fromString(batchId))));
  }

  @GetMapping("/capsule/batch/export/{batch_id}")
  @PreAuthorize("hasAuthority('capsule:read')")
  @ApiResponses({
    @ApiResponse(
        responseCode = "200",
        description = "the batch ended: one result per capsule",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = BatchBodies.Batch.class))),
    @ApiResponse(
        responseCode = "202",
        description = "still running",
        content =
            @Content(
                mediaType = MediaType.APPLICATION_JSON_VALUE,
                schema = @Schema(implementation = BatchBodies.Batch.class)))
  })
  public Mono<ResponseEntity<BatchBodies.Batch>> get(
      @AuthenticationPrincipal Caller caller, @PathVariable("batch_id") String batchId) {
    UUID id;
    try {
      id = UUID.fromString(batchId);
    } catch (IllegalArgumentException e) {
      return Mono.error(batchNotFound(batchId));
    }
    return read(caller, id);
  }

  private Mono<ResponseEntity<BatchBodies.Batch>> read(Caller caller, UUID id) {
    return store
        .find(caller, id)
        .switchIfEmpty(Mono.error(() -> batchNotFound(id.toString())))
        .flatMap(batch -> store.items(id).collectList().map(items -> answer(batch, items)));
  }

  private ResponseEntity<BatchBodies.Batch> answer(
      BatchExportStore.BatchRow batch, List<BatchExportStore.ItemRow> items) {
    String status = batch.runStatus() == null ? "running" : batch.runStatus();
    boolean running = "running".equals(status);
    String statusUrl = "/capsule/batch/export/" + batch.id();
    Instant expiresAt =
        (batch.closedAt() == null ? Instant.now() : batch.closedAt().toInstant())
            .plus(properties.linkTtl());
    List<BatchBodies.Item> results =
        running ? List.of() : items.stream().map(i -> item(batch, i, expiresAt)).toList();
    int successful =
        (int) results.stream().filter(r -> ExportItemResult.SUCCESS.equals(r.status())).count();
    BatchBodies.Batch body =
        new BatchBodies.Batch(
            batch.id().toString(),
            status,
            batch.format(),
            batch.capsuleIds().size(),
            successful,
            results.size() - successful,
            results,
            statusUrl,
            "failed".equals(status) || "cancelled".equals(status) ? batch.runError() : null);
    return running
        ? ResponseEntity.accepted().location(URI.create(statusUrl)).body(body)
        : ResponseEntity.ok(body);
  }

  private BatchBodies.Item item(
      BatchExportStore.BatchRow batch, BatchExportStore.ItemRow row, Instant expiresAt) {
    if (!ExportItemResult.SUCCESS.equals(row.status())) {
      return new BatchBodies.Item(
          row.capsuleId(), row.status(), null, null, null, null, null, null, row.error());
    }
    String batchId = batch.id().toString();
    var signed = links.sign(row.capsuleId(), batchId, expiresAt);
    return new BatchBodies.Item(
        row.capsuleId(),
        row.status(),
        row.size(),
        row.sha256(),
        row.versionId(),
        DownloadLinks.ownerUrl(row.capsuleId(), batchId),
        signed.map(DownloadLinks.Link::url).orElse(null),
        signed.map(l -> OffsetDateTime.ofInstant(l.expiresAt(), ZoneOffset.UTC)).orElse(null),
        null);
  }

  /** The body, strictly: 422 for a wrong shape or list, 400 for an unknown format. */
  private BatchBodies.ExportRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw CapsuleErrors.invalid("body", "The body must be a JSON object");
    }
    BatchBodies.ExportRequest request;
    try {
      request = strict.treeToValue(body, BatchBodies.ExportRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw CapsuleErrors.invalid(
          e.getPropertyName(), "Unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw CapsuleErrors.invalid("body", "The body does not match the batch export request");
    }
    List<String> ids = request.capsuleIds();
    if (ids == null || ids.isEmpty() || ids.size() > BatchExportRequest.MAX_ITEMS) {
      throw CapsuleErrors.invalid(
          "capsule_ids",
          "capsule_ids must list 1 to " + BatchExportRequest.MAX_ITEMS + " capsule IDs");
    }
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      if (id == null || !CAPSULE_ID.matcher(id).matches()) {
        throw CapsuleErrors.invalid("capsule_ids", "'" + id + "' is not a capsule ID");
      }
      if (!seen.add(id)) {
        throw CapsuleErrors.invalid("capsule_ids", "Capsule " + id + " is listed twice");
      }
    }
    if (request.format() == null) {
      throw CapsuleErrors.invalid("format", "format is required: zip or tar.gz");
    }
    if (ArchiveFormat.fromExtension(request.format()).isEmpty()) {
      throw CapsuleErrors.badRequest(
          "format",
          "Unsupported format '"
              + request.format()
              + "'; supported: "
              + String.join(", ", ArchiveFormat.names()));
    }
    if (request.versionIds() != null) {
      request
          .versionIds()
          .forEach(
              (capsule, version) -> {
                if (!seen.contains(capsule)) {
                  throw CapsuleErrors.invalid(
                      "version_ids", "Capsule " + capsule + " is not in capsule_ids");
                }
                if (version == null || !VERSION_ID.matcher(version).matches()) {
                  throw CapsuleErrors.invalid(
                      "version_ids", "'" + version + "' is not a version ID");
                }
              });
    }
    return request;
  }

  private static ApiException batchNotFound(String id) {
    return new ApiException(
        HttpStatus.NOT_FOUND, "BATCH_NOT_FOUND", "Batch export " + id + " not found");
  }
}
