package dev.shipyard.api.capsules.versions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request and response bodies of capsules-api.md §7–10 and of the diff (beyond the document). */
final class VersionBodies {

  private VersionBodies() {}

  /** The most changes (and files) one version request may carry. */
  static final int MAX_CHANGES = 1000;

  /**
   * capsules-api.md §7 request, plus the files' content ({@code files}; in a multipart request the
   * file parts carry it instead).
   */
  @Schema(name = "CreateVersionRequest")
  record CreateVersion(
      @Size(max = 256) String author,
      @Size(max = 10000) String message,
      @JsonProperty("parent_version") @NotBlank @Size(max = 64) String parentVersion,
      @NotNull @Size(min = 1, max = MAX_CHANGES) List<@Valid @NotNull Change> changes,
      @Valid VersionMetadata metadata,
      @Size(max = MAX_CHANGES) List<@Valid @NotNull FileContent> files) {

    String branch() {
      return metadata == null || metadata.branch() == null ? "main" : metadata.branch();
    }
  }

  /** One declared change; {@code size} is the new size (required for added and modified). */
  @Schema(name = "VersionChange")
  record Change(
      String path,
      @NotNull
          @Pattern(
              regexp = "added|modified|deleted",
              message = "must be added, modified or deleted")
          String type,
      @Min(0) Long size) {}

  @Schema(name = "VersionMetadata")
  record VersionMetadata(@Size(max = 255) String branch) {}

  /** One file's content: {@code utf-8} text (the default) or {@code base64} bytes. */
  @Schema(name = "VersionFile")
  record FileContent(
      String path,
      @NotNull String content,
      @Pattern(regexp = "utf-8|base64", message = "must be utf-8 or base64") String encoding) {}

  /** The multipart form of a version request, for the OpenAPI document. */
  @Schema(name = "CreateVersionMultipart")
  record CreateVersionMultipart(
      @Schema(
              description = "CreateVersionRequest as JSON (without files); must be the first part",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String version,
      @ArraySchema(
              schema = @Schema(type = "string", format = "binary"),
              arraySchema =
                  @Schema(
                      description =
                          "one part per added or modified file; its filename is the file's path"))
          List<String> file) {}

  /** capsules-api.md §7 response, plus the branch and the new manifest. */
  @Schema(name = "VersionCreated")
  record Created(
      @JsonProperty("version_id") String versionId,
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("version_number") int versionNumber,
      @JsonProperty("parent_version") String parentVersion,
      String author,
      String message,
      String timestamp,
      @JsonProperty("changes_count") int changesCount,
      String branch,
      @JsonProperty("manifest_digest") String manifestDigest,
      @JsonProperty("file_count") int fileCount,
      @JsonProperty("total_size_bytes") long totalSizeBytes) {}

  /** capsules-api.md §8 response. */
  @Schema(name = "VersionHistory")
  record History(
      @JsonProperty("capsule_id") String capsuleId,
      String branch,
      @JsonProperty("total_versions") long totalVersions,
      List<HistoryEntry> versions) {}

  @Schema(name = "VersionHistoryEntry")
  record HistoryEntry(
      @JsonProperty("version_id") String versionId,
      @JsonProperty("version_number") int versionNumber,
      String author,
      String message,
      String timestamp,
      @JsonProperty("parent_version")
          @Schema(nullable = true, requiredMode = Schema.RequiredMode.REQUIRED)
          @JsonInclude(JsonInclude.Include.ALWAYS)
          String parentVersion,
      @JsonProperty("manifest_digest") String manifestDigest,
      List<String> tags) {}

  /** capsules-api.md §9 request. */
  @Schema(name = "CreateBranchRequest")
  record CreateBranch(
      @JsonProperty("branch_name") @NotBlank @Size(max = 255) String branchName,
      @JsonProperty("from_version") @Size(max = 64) String fromVersion,
      @Size(max = 256) String author) {}

  @Schema(name = "BranchCreated")
  record BranchCreated(
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("branch_name") String branchName,
      @JsonProperty("from_version") String fromVersion,
      @JsonProperty("head_version") String headVersion,
      String author,
      String timestamp) {}

  /** capsules-api.md §10 response. */
  @Schema(name = "TagCreated")
  record TagCreated(
      @JsonProperty("capsule_id") String capsuleId,
      String tag,
      @JsonProperty("version_id") String versionId,
      @JsonProperty("version_number") int versionNumber,
      String author,
      String timestamp) {}

  /** {@code GET /capsule/{id}/diff}. */
  @Schema(name = "VersionDiff")
  record Diff(
      @JsonProperty("capsule_id") String capsuleId,
      String from,
      String to,
      DiffSummary summary,
      List<FileDiff> files) {}

  @Schema(name = "VersionDiffSummary")
  record DiffSummary(
      int added,
      int modified,
      int deleted,
      int unchanged,
      @JsonProperty("bytes_added") long bytesAdded,
      @JsonProperty("bytes_removed") long bytesRemoved) {}

  /**
   * One changed file. {@code diff} is a unified diff when both sides are UTF-8 text within the
   * bound; otherwise null with {@code diff_omitted} saying why.
   */
  @Schema(name = "VersionFileDiff")
  record FileDiff(
      String path,
      @Schema(allowableValues = {"added", "modified", "deleted"}) String status,
      @JsonProperty("old_size") @Schema(nullable = true) Long oldSize,
      @JsonProperty("new_size") @Schema(nullable = true) Long newSize,
      @JsonProperty("old_sha256") @Schema(nullable = true) String oldSha256,
      @JsonProperty("new_sha256") @Schema(nullable = true) String newSha256,
      @Schema(nullable = true) String diff,
      @JsonProperty("diff_omitted") @Schema(nullable = true) String diffOmitted) {}
}
