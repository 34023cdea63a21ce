package dev.shipyard.api.capsules.archives;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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
 * capsules-api.md §5 {@code GET /capsule/{id}/stream} and the v2 guide's streaming export {@code
 * POST /api/v2/capsules/{id}/export}: a version of a capsule as a reproducible tar.gz or zip, built
 * while it is sent ({@link CapsuleArchives}).
 */
@RestController
class CapsuleArchiveController {

  private final CapsuleVersions versions;
  private final CapsuleArchives archives;

  CapsuleArchiveController(CapsuleVersions versions, CapsuleArchives archives) {
    this.versions = versions;
    this.archives = archives;
  }

  /**
   * The v2 export request.
   *
   * @param format {@code tar.gz} (default) or {@code zip}
   * @param versionId the version to export; the head of main when absent
   * @param chunkSize the largest chunk in bytes, 1024 to 1048576 (default 8192)
   */
  record ExportRequest(
      @Schema(description = "tar.gz (default) or zip", example = "tar.gz") @Size(max = 20)
          String format,
      @JsonProperty("version_id") @Size(max = 100) String versionId,
      @JsonProperty("chunk_size") Integer chunkSize) {}

  @GetMapping("/capsule/{capsuleId}/stream")
  @PreAuthorize("hasAuthority('capsule:read')")
  @Operation(
      summary = "Stream a capsule version as an archive",
      description =
          "The version's files as a tar.gz or zip archive, written while it is sent (chunked),"
              + " so any size streams in bounded memory. Reproducible: the same version always"
              + " gives the same bytes. X-Capsule-Manifest-Sha256 names the version's manifest.")
  @ApiResponse(
      responseCode = "200",
      description = "the archive",
      headers = {
        @Header(
            name = "Content-Disposition",
            description = "attachment; filename=\"<capsule>-v<number>.<extension>\"",
            schema = @Schema(type = "string")),
        @Header(
            name = CapsuleArchive.MANIFEST_HEADER,
            description = "SHA-256 of the version's canonical manifest",
            schema = @Schema(type = "string")),
        @Header(
            name = CapsuleArchive.VERSION_HEADER,
            description = "the version's ID",
            schema = @Schema(type = "string")),
        @Header(
            name = CapsuleArchive.VERSION_NUMBER_HEADER,
            description = "the version's number",
            schema = @Schema(type = "integer"))
      },
      content = {
        @Content(
            mediaType = "application/gzip",
            schema = @Schema(type = "string", format = "binary")),
        @Content(
            mediaType = "application/zip",
            schema = @Schema(type = "string", format = "binary"))
      })
  @DocumentedErrors({HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT})
  public Mono<ResponseEntity<Flux<DataBuffer>>> stream(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(description = "tar.gz (default) or zip")
          @RequestParam(name = "format", defaultValue = "tar.gz")
          String format,
      @Parameter(
              description = "the largest chunk sent, in bytes: 1024 to 1048576 (default 8192)",
              schema = @Schema(type = "integer", minimum = "1024", maximum = "1048576"))
          @RequestParam(name = "chunk_size", required = false)
          String chunkSize,
      @Parameter(description = "the version to stream; the head of main when absent")
          @RequestParam(name = "version_id", required = false)
          String versionId) {
    var archiveFormat = CapsuleArchives.format("format", format);
    int chunk = CapsuleArchives.chunkSize("chunk_size", chunkSize);
    return versions
        .resolve(caller, capsuleId, versionId)
        .flatMap(version -> archives.archive(version, archiveFormat, chunk))
        .map(CapsuleArchive::response);
  }

  @PostMapping("/api/v2/capsules/{capsuleId}/export")
  @PreAuthorize("hasAuthority('capsule:read')")
  @Operation(
      summary = "Export a capsule version as a streamed archive",
      description =
          "api-v2-guide.md streaming support: the same archive as GET /capsule/{id}/stream,"
              + " chosen by the body; errors in the v2 envelope.")
  @ApiResponse(
      responseCode = "200",
      description = "the archive",
      headers = {
        @Header(name = "Content-Disposition", schema = @Schema(type = "string")),
        @Header(name = CapsuleArchive.MANIFEST_HEADER, schema = @Schema(type = "string")),
        @Header(name = CapsuleArchive.VERSION_HEADER, schema = @Schema(type = "string")),
        @Header(name = CapsuleArchive.VERSION_NUMBER_HEADER, schema = @Schema(type = "integer"))
      },
      content = {
        @Content(
            mediaType = "application/gzip",
            schema = @Schema(type = "string", format = "binary")),
        @Content(
            mediaType = "application/zip",
            schema = @Schema(type = "string", format = "binary"))
      })
  @DocumentedErrors({HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT})
  public Mono<ResponseEntity<Flux<DataBuffer>>> export(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Valid @RequestBody ExportRequest request) {
    var archiveFormat =
        CapsuleArchives.format("format", request.format() == null ? "tar.gz" : request.format());
    int chunk =
        CapsuleArchives.chunkSize(
            "chunk_size", request.chunkSize() == null ? null : request.chunkSize().toString());
    return versions
        .resolve(caller, capsuleId, request.versionId())
        .flatMap(version -> archives.archive(version, archiveFormat, chunk))
        .map(CapsuleArchive::response);
  }
}
