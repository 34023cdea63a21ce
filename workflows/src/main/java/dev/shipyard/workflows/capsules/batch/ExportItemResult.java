package dev.shipyard.workflows.capsules.batch;

/**
 * How one capsule of a batch ended.
 *
 * @param capsuleId the capsule
 * @param status {@link #SUCCESS} or {@link #FAILED}
 * @param versionId the version exported (null when failed)
 * @param size the archive's length in bytes (null when failed)
 * @param sha256 the archive's SHA-256, lower-case hex (null when failed)
 * @param key the archive's object key (null when failed)
 * @param error why it failed (null on success); a capsule that does not exist and one the caller
 *     may not see fail with the same text, {@code Capsule <id> not found}
 */
public record ExportItemResult(
    String capsuleId,
    String status,
    String versionId,
    Long size,
    String sha256,
    String key,
    String error) {

  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";

  public static ExportItemResult success(
      String capsuleId, String versionId, long size, String sha256, String key) {
    return new ExportItemResult(capsuleId, SUCCESS, versionId, size, sha256, key, null);
  }

  public static ExportItemResult failed(String capsuleId, String error) {
    return new ExportItemResult(capsuleId, FAILED, null, null, null, null, error);
  }

  /** The one answer for a capsule that does not exist or that the caller may not see. */
  public static ExportItemResult notFound(String capsuleId) {
    return failed(capsuleId, "Capsule " + capsuleId + " not found");
  }

  public boolean succeeded() {
    return SUCCESS.equals(status);
  }
}
