package dev.shipyard.activities.capsules;

import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.capsules.FileSet;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The worker's writes to {@code capsule_versions} and {@code capsule_branches} (V8): version 1 of a
 * generated capsule and the {@code main} branch pointing at it. Idempotent: a retried activity
 * writes nothing new (the version ID is derived from the capsule ID).
 */
public final class CapsuleVersionRows {

  private CapsuleVersionRows() {}

  /** The ID of version 1 of a capsule: {@code ver-<name-based UUID of "<capsule>/1">}. */
  public static String initialVersionId(String capsuleId) {
    return "ver-" + UUID.nameUUIDFromBytes((capsuleId + "/1").getBytes(StandardCharsets.UTF_8));
  }

  /** Version 1 ("Initial version", author "system") on {@code main}, unless it exists. */
  public static void writeInitial(JdbcTemplate jdbc, String capsuleId, FileSet set) {
    String id = initialVersionId(capsuleId);
    jdbc.update(
        "INSERT INTO capsule_versions (id, capsule_id, number, branch, author, message,"
            + " manifest_sha256, manifest_key, file_count, total_size_bytes)"
            + " VALUES (?, ?, 1, 'main', 'system', 'Initial version', ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        id,
        capsuleId,
        set.digest(),
        FileManifest.keyOf(set.digest()),
        set.fileCount(),
        set.totalBytes());
    jdbc.update(
        "INSERT INTO capsule_branches (capsule_id, name, head_version_id, author)"
            + " VALUES (?, 'main', ?, 'system') ON CONFLICT DO NOTHING",
        capsuleId,
        id);
  }
}
