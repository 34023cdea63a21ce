package dev.shipyard.workflows.capsules.batch;

import java.util.Locale;

/**
 * The export of one capsule of a batch: the caller's scope (IDs only), the capsule, its version and
 * the format. The archive's object key is derived from it ({@link #objectKey()}), so a retried step
 * writes the same object again.
 */
public record ExportItemRequest(
    String batchId,
    String tenantId,
    String userId,
    boolean wholeTenant,
    String format,
    String capsuleId,
    String versionId) {

  /** {@code exports/<batch id>/<capsule id>.<zip|tar.gz>}. */
  public String objectKey() {
    return objectKey(batchId, capsuleId, format);
  }

  public static String objectKey(String batchId, String capsuleId, String format) {
    return "exports/" + batchId + "/" + capsuleId + "." + format.toLowerCase(Locale.ROOT);
  }
}
