package dev.shipyard.activities.delivery;

import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.storage.archive.ArchiveWriter;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * What a delivery delivers: one capsule version's files (its checked manifest) read from object
 * storage, as files one by one (for git) or as a reproducible archive written to a stream (for
 * object stores; the same bytes as {@code GET /capsule/{id}/stream} of that version).
 */
public final class DeliveryContent {

  private final String capsuleId;
  private final String versionId;
  private final String deliveryId;
  private final FileManifest manifest;
  private final BlobStore blobs;
  private final ArchiveWriter writer;
  private final Instant versionCreatedAt;

  public DeliveryContent(
      String capsuleId,
      String versionId,
      String deliveryId,
      FileManifest manifest,
      BlobStore blobs) {
    this(capsuleId, versionId, deliveryId, manifest, blobs, null);
  }

  /**
   * @param versionCreatedAt when the version was made (null: unknown): the time of a git delivery's
   *     commit, so that a retried delivery makes the very same commit
   */
  public DeliveryContent(
      String capsuleId,
      String versionId,
      String deliveryId,
      FileManifest manifest,
      BlobStore blobs,
      Instant versionCreatedAt) {
    this.versionCreatedAt = versionCreatedAt;
    this.capsuleId = capsuleId;
    this.versionId = versionId;
    this.deliveryId = deliveryId;
    this.manifest = manifest;
    this.blobs = blobs;
    this.writer = new ArchiveWriter(blobs);
  }

  public String capsuleId() {
    return capsuleId;
  }

  public String versionId() {
    return versionId;
  }

  public String deliveryId() {
    return deliveryId;
  }

  public FileManifest manifest() {
    return manifest;
  }

  /** When the version was made, if known. */
  public Optional<Instant> versionCreatedAt() {
    return Optional.ofNullable(versionCreatedAt);
  }

  /**
   * The object name of this delivery's archive: {@code
   * <prefix>/<capsule>_<version>_<delivery>.<ext>} (no prefix when blank). Deterministic, so a
   * retried upload overwrites its own object and never leaves a second one.
   */
  public String objectName(String prefix, ArchiveFormat format) {
    String name = capsuleId + "_" + versionId + "_" + deliveryId + "." + format.extension();
    if (prefix == null || prefix.isBlank()) {
      return name;
    }
    String trimmed = prefix.strip().replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? name : trimmed + "/" + name;
  }

  /** Writes the archive of the version to {@code out} (not closed). */
  public void writeArchive(ArchiveFormat format, OutputStream out) throws IOException {
    writer.write(manifest, format, out);
  }

  /** One file's bytes; a missing blob is a non-retryable {@code CONTENT_MISSING}. */
  public InputStream open(FileManifest.Entry file) {
    return blobs
        .open(file.blobKey())
        .orElseThrow(
            () ->
                DeliveryFailures.of(
                    DeliveryFailure.CONTENT_MISSING,
                    "File " + file.path() + " of version " + versionId + " is missing"));
  }
}
