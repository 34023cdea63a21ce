package dev.shipyard.api.capsules.batch;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The request and response bodies of batch exports (capsules-api.md §12). */
final class BatchBodies {

  private BatchBodies() {}

  /**
   * {@code POST /capsule/batch/export}.
   *
   * @param capsuleIds 1 to 50 capsule IDs, unique
   * @param format {@code zip} or {@code tar.gz}
   * @param versionIds the version to export per capsule ID; the head of {@code main} for the others
   */
  @Schema(name = "BatchExportRequest")
  record ExportRequest(
      @JsonProperty("capsule_ids") List<String> capsuleIds,
      String format,
      @Schema(nullable = true) @JsonProperty("version_ids") Map<String, String> versionIds) {}

  /**
   * A batch: while it runs, {@code status} {@code running} and no results yet; when it ended, the
   * documented counts and one result per capsule.
   */
  @Schema(name = "BatchExport")
  record Batch(
      @JsonProperty("batch_id") String batchId,
      @Schema(description = "running, completed, failed or cancelled") String status,
      String format,
      int total,
      int successful,
      int failed,
      List<Item> results,
      @JsonProperty("status_url") String statusUrl,
      @Schema(nullable = true, description = "why the batch itself failed (not an item)")
          String error) {}

  /**
   * One capsule of a batch.
   *
   * @param url the download for its owner (with a token or API key)
   * @param signedUrl a download link that needs no credentials, valid until {@code expires_at}
   */
  @Schema(name = "BatchExportItem")
  record Item(
      @JsonProperty("capsule_id") String capsuleId,
      @Schema(description = "success or failed") String status,
      @Schema(nullable = true) Long size,
      @Schema(nullable = true) String sha256,
      @Schema(nullable = true) @JsonProperty("version_id") String versionId,
      @Schema(nullable = true) String url,
      @Schema(nullable = true) @JsonProperty("signed_url") String signedUrl,
      @Schema(nullable = true) @JsonProperty("expires_at") OffsetDateTime expiresAt,
      @Schema(nullable = true) String error) {}
}
