package dev.shipyard.api.capsules.exports;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * capsules-api.md §6: {@code GET /capsule/{id}/export/{format}}, one {@link CapsuleExporter} each.
 */
@RestController
class CapsuleExportController {

  private final Map<String, CapsuleExporter> exporters = new TreeMap<>();
  private final CapsuleVersions versions;

  CapsuleExportController(List<CapsuleExporter> exporters, CapsuleVersions versions) {
    exporters.forEach(e -> this.exporters.put(e.format(), e));
    this.versions = versions;
  }

  @GetMapping("/capsule/{capsuleId}/export/{format}")
  @PreAuthorize("hasAuthority('capsule:read')")
  @DocumentedErrors({
    HttpStatus.BAD_REQUEST,
    HttpStatus.NOT_FOUND,
    HttpStatus.CONFLICT,
    HttpStatus.UNPROCESSABLE_ENTITY
  })
  @ApiResponse(
      responseCode = "200",
      description =
          "zip: the archive (application/zip); helm, terraform, docker: a JSON document of files",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = CapsuleExport.class)))
  public Mono<ResponseEntity<Object>> export(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String capsuleId,
      @Parameter(description = "zip, helm, terraform or docker") @PathVariable String format,
      @Parameter(description = "the version to export; the head of main when absent")
          @RequestParam(name = "version_id", required = false)
          String versionId) {
    CapsuleExporter exporter = exporters.get(format);
    if (exporter == null) {
      return Mono.error(
          CapsuleErrors.badRequest(
              "format",
              "Unsupported export format '"
                  + format
                  + "'; supported: "
                  + String.join(", ", exporters.keySet())));
    }
    return versions.resolve(caller, capsuleId, versionId).flatMap(exporter::export);
  }
}
