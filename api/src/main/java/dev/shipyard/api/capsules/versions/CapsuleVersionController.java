package dev.shipyard.api.capsules.versions;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.CapsuleStore;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * capsules-api.md §7–10 (version, history, branch, tag) and the diff between two versions. Reads
 * need {@code capsule:read}; writes {@code capsule:update} (owners and admins, not viewers). A
 * capsule the caller may not see is 404, as everywhere.
 */
@RestController
class CapsuleVersionController {

  private final VersionWriter writer;
  private final CapsuleVersions versions;
  private final VersionDiffs diffs;
  private final CapsuleStore capsules;

  CapsuleVersionController(
      VersionWriter writer, CapsuleVersions versions, VersionDiffs diffs, CapsuleStore capsules) {
    this.writer = writer;
    this.versions = versions;
    this.diffs = diffs;
    this.capsules = capsules;
  }

  @PostMapping(path = "/capsule/{capsuleId}/version", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('capsule:update')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ApiResponse(
      responseCode = "201",
      description = "the version, the new head of its branch",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = VersionBodies.Created.class)))
  public Mono<ResponseEntity<VersionBodies.Created>> create(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Valid @RequestBody VersionBodies.CreateVersion request) {
    return writer.createFromJson(caller, capsuleId, request).map(this::created);
  }

  @PostMapping(
      path = "/capsule/{capsuleId}/version",
      consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @PreAuthorize("hasAuthority('capsule:update')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      content =
          @Content(
              mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
              schema = @Schema(implementation = VersionBodies.CreateVersionMultipart.class)))
  @ApiResponse(
      responseCode = "201",
      description = "the version, the new head of its branch",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = VersionBodies.Created.class)))
  public Mono<ResponseEntity<VersionBodies.Created>> createMultipart(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @RequestBody Flux<PartEvent> parts) {
    return writer.createFromParts(caller, capsuleId, parts).map(this::created);
  }

  private ResponseEntity<VersionBodies.Created> created(VersionBodies.Created v) {
    return ResponseEntity.created(
            URI.create("/capsule/" + v.capsuleId() + "/history?branch=" + v.branch()))
        .body(v);
  }

  @GetMapping("/capsule/{capsuleId}/history")
  @PreAuthorize("hasAuthority('capsule:read')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  public Mono<VersionBodies.History> history(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @RequestParam(defaultValue = "main") String branch,
      @Parameter(description = "1 to 500") @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw CapsuleErrors.invalid("limit", "limit must be between 1 and 500");
    }
    return capsules
        .require(caller, capsuleId)
        .flatMap(
            capsule ->
                versions
                    .history(capsuleId, branch, limit)
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                branch.equals("main")
                                    ? CapsuleErrors.notReady(capsuleId, capsule.status())
                                    : VersionWriter.branchNotFound(capsuleId, branch))))
        .map(
            h ->
                new VersionBodies.History(
                    capsuleId,
                    branch,
                    h.total(),
                    h.versions().stream()
                        .map(
                            t ->
                                new VersionBodies.HistoryEntry(
                                    t.version().id(),
                                    t.version().number(),
                                    t.version().author(),
                                    t.version().message(),
                                    t.version().createdAt().toInstant().toString(),
                                    t.version().parentId(),
                                    t.version().manifestSha256(),
                                    t.tags()))
                        .toList()));
  }

  @PostMapping("/capsule/{capsuleId}/branch")
  @PreAuthorize("hasAuthority('capsule:update')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ApiResponse(
      responseCode = "201",
      description = "the branch, its head at from_version",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = VersionBodies.BranchCreated.class)))
  public Mono<ResponseEntity<VersionBodies.BranchCreated>> branch(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Valid @RequestBody VersionBodies.CreateBranch request) {
    return writer
        .branch(caller, capsuleId, request)
        .map(b -> ResponseEntity.status(HttpStatus.CREATED).body(b));
  }

  @PostMapping("/capsule/{capsuleId}/tag")
  @PreAuthorize("hasAuthority('capsule:update')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ApiResponse(
      responseCode = "201",
      description = "the tag",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = VersionBodies.TagCreated.class)))
  public Mono<ResponseEntity<VersionBodies.TagCreated>> tag(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @RequestParam("version_id") String versionId,
      @RequestParam String tag,
      @RequestParam(required = false) String author) {
    return writer
        .tag(caller, capsuleId, versionId, tag, author)
        .map(t -> ResponseEntity.status(HttpStatus.CREATED).body(t));
  }

  @GetMapping("/capsule/{capsuleId}/diff")
  @PreAuthorize("hasAuthority('capsule:read')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  public Mono<VersionBodies.Diff> diff(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(description = "the older version") @RequestParam String from,
      @Parameter(description = "the newer version; the head of main when absent")
          @RequestParam(required = false)
          String to) {
    return diffs.diff(caller, capsuleId, from, to);
  }
}
