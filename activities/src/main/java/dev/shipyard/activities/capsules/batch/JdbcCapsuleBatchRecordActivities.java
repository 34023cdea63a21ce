package dev.shipyard.activities.capsules.batch;

import dev.shipyard.workflows.capsules.batch.CapsuleBatchRecordActivities;
import dev.shipyard.workflows.capsules.batch.ExportItemResult;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes a batch's item results into {@code capsule_batch_export_items} (V8_3), one row per capsule
 * in the request's order. Idempotent: a retry replaces the rows with the same values.
 */
public class JdbcCapsuleBatchRecordActivities implements CapsuleBatchRecordActivities {

  private final JdbcTemplate jdbc;

  public JdbcCapsuleBatchRecordActivities(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void recordResults(BatchResults results) {
    UUID batch = UUID.fromString(results.batchId());
    List<ExportItemResult> items = results.results();
    for (int i = 0; i < items.size(); i++) {
      ExportItemResult r = items.get(i);
      jdbc.update(
          "INSERT INTO capsule_batch_export_items (batch_id, position, capsule_id, status,"
              + " version_id, size_bytes, sha256, object_key, error)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
              + " ON CONFLICT (batch_id, capsule_id) DO UPDATE SET position = EXCLUDED.position,"
              + " status = EXCLUDED.status, version_id = EXCLUDED.version_id,"
              + " size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256,"
              + " object_key = EXCLUDED.object_key, error = EXCLUDED.error",
          batch,
          i,
          r.capsuleId(),
          r.status(),
          r.versionId(),
          r.size(),
          r.sha256(),
          r.key(),
          r.error());
    }
  }
}
