package dev.shipyard.api.capsules.batch;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.CapsuleStore;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Permission;
import dev.shipyard.api.security.PublicEndpoint;
import dev.shipyard.storage.S3AsyncBlobReader;
import dev.shipyard.storage.archive.ArchiveFormat;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.UUID;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /capsule/{id}/download}, the {@code url} of a batch result: for the owner (token or
 * API key, {@code capsule:read}) their latest export of the capsule, or the one of {@code
 * batch_id}; and, with {@code expires} and {@code signature} ({@link DownloadLinks}), the export of
 * that batch without credentials until the link expires: 403 for a signature that does not match,
 * 410 once a genuine link has expired. The archive streams from object storage without blocking
 * ({@link S3AsyncBlobReader}).
 */
@RestController
class CapsuleDownloadController {

  private final BatchExportStore store;
  private final CapsuleStore capsules;
  private final DownloadLinks links;
  private final S3AsyncBlobReader blobs;

  CapsuleDownloadController(
      BatchExportStore store, CapsuleStore capsules, DownloadLinks links, S3AsyncBlobReader blobs) {
    this.store = store;
    this.capsules = capsules;
    this.links = links;
    this.blobs = blobs;
  }

  @GetMapping("/capsule/{capsuleId}/download")
  @PublicEndpoint
  @DocumentedErrors({HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN, HttpStatus.GONE})
  @ApiResponse(
      responseCode = "200",
      description = "the archive, as exported (Content-Length, Content-Disposition)",
      content = {
        @Content(
            mediaType = "application/zip",
            schema = @Schema(type = "string", format = "binary")),
        @Content(
            mediaType = "application/gzip",
            schema = @Schema(type = "string", format = "binary"))
      })
  public Mono<ResponseEntity<Flux<DataBuffer>>> download(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(description = "the batch whose export to serve; the latest when absent")
          @RequestParam(name = "batch_id", required = false)
          String batchId,
      @Parameter(description = "signed links: when the link expires (UNIX seconds)")
          @RequestParam(name = "expires", required = false)
          String expires,
      @Parameter(description = "signed links: hex HMAC-SHA256 of capsule, batch and expires")
          @RequestParam(name = "signature", required = false)
          String signature) {
    UUID batch = batchId == null ? null : uuid(batchId);
    if (signature != null || expires != null) {
      return signed(capsuleId, batch, expires, signature);
    }
    if (caller == null) {
      return Mono.error(
          new ApiException(
              HttpStatus.UNAUTHORIZED,
              "UNAUTHORIZED",
              "Authentication required (or a signed download link)"));
    }
    if (!caller.has(Permission.CAPSULE_READ)) {
      return Mono.error(
          new ApiException(HttpStatus.FORBIDDEN, "FORBIDDEN", "Insufficient permissions"));
    }
    return capsules
        .require(caller, capsuleId)
        .then(store.latestOf(caller, capsuleId, batch))
        .switchIfEmpty(Mono.error(() -> noExport(capsuleId)))
        .flatMap(this::serve);
  }

  private Mono<ResponseEntity<Flux<DataBuffer>>> signed(
      String capsuleId, UUID batch, String expires, String signature) {
    if (batch == null) {
      return Mono.error(CapsuleErrors.badRequest("batch_id", "A signed link needs batch_id"));
    }
    if (signature == null) {
      return Mono.error(CapsuleErrors.badRequest("signature", "A signed link needs signature"));
    }
    long expiry;
    try {
      expiry = Long.parseLong(expires == null ? "" : expires);
    } catch (NumberFormatException e) {
      return Mono.error(
          CapsuleErrors.badRequest("expires", "expires must be a time in UNIX seconds"));
    }
    return switch (links.verify(capsuleId, batch.toString(), expiry, signature)) {
      case INVALID ->
          Mono.error(
              new ApiException(
                  HttpStatus.FORBIDDEN,
                  "DOWNLOAD_LINK_INVALID",
                  "The download link's signature is not valid"));
      case EXPIRED ->
          Mono.error(
              new ApiException(
                  HttpStatus.GONE, "DOWNLOAD_LINK_EXPIRED", "The download link has expired"));
      case VALID ->
          store
              .inBatch(capsuleId, batch)
              .switchIfEmpty(Mono.error(() -> CapsuleErrors.notFound(capsuleId)))
              .flatMap(this::serve);
    };
  }

  private Mono<ResponseEntity<Flux<DataBuffer>>> serve(BatchExportStore.Archive archive) {
    ArchiveFormat format = ArchiveFormat.fromExtension(archive.format()).orElseThrow();
    return Mono.fromFuture(() -> blobs.open(archive.objectKey()))
        .flatMap(
            found ->
                found
                    .map(
                        download -> {
                          HttpHeaders headers = new HttpHeaders();
                          headers.setContentType(MediaType.parseMediaType(format.contentType()));
                          headers.setContentLength(download.info().size());
                          headers.setContentDisposition(
                              ContentDisposition.attachment()
                                  .filename(archive.capsuleId() + "." + format.extension())
                                  .build());
                          Flux<DataBuffer> body =
                              Flux.from(download.body())
                                  .map(DefaultDataBufferFactory.sharedInstance::wrap);
                          return Mono.just(new ResponseEntity<>(body, headers, HttpStatus.OK));
                        })
                    .orElseGet(() -> Mono.error(noExport(archive.capsuleId()))));
  }

  private static UUID uuid(String batchId) {
    try {
      return UUID.fromString(batchId);
    } catch (IllegalArgumentException e) {
      throw CapsuleErrors.badRequest("batch_id", "batch_id is not a batch ID");
    }
  }

  private static ApiException noExport(String capsuleId) {
    return new ApiException(
        HttpStatus.NOT_FOUND,
        "EXPORT_NOT_FOUND",
        "No export of capsule " + capsuleId + "; export it with POST /capsule/batch/export");
  }
}
