package dev.shipyard.activities.images;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.images.BuiltImage;
import dev.shipyard.workflows.images.ImageRecordActivities;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes what the registry answered (or the failed step) to the image's row. Idempotent. */
public class JdbcImageRecordActivities implements ImageRecordActivities {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  public JdbcImageRecordActivities(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public void recordBuilt(String imageId, BuiltImage image) {
    jdbc.update(
        "UPDATE container_images SET digest = ?, media_type = ?, size_bytes = ?,"
            + " config = ?::jsonb, layers = ?::jsonb, stack = ?, base_image = ?, sbom_path = ?,"
            + " failed_step = NULL, failure = NULL, updated_at = now() WHERE id = ?",
        image.digest(),
        image.mediaType(),
        image.size(),
        write(blob(image.config())),
        write(image.layers().stream().map(JdbcImageRecordActivities::blob).toList()),
        image.stack(),
        image.base(),
        image.sbom(),
        UUID.fromString(imageId));
  }

  @Override
  public void recordFailed(String imageId, String step, String cause) {
    jdbc.update(
        "UPDATE container_images SET failed_step = ?, failure = ?, updated_at = now()"
            + " WHERE id = ?",
        step,
        cause == null ? null : cause.length() > 2000 ? cause.substring(0, 2000) : cause,
        UUID.fromString(imageId));
  }

  private static Map<String, Object> blob(BuiltImage.Blob b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("digest", b.digest());
    m.put("size", b.size());
    m.put("media_type", b.mediaType());
    return m;
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value instanceof List<?> l ? l : value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
