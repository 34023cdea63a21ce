package dev.shipyard.activities.capsules;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.capsules.FileSet;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The worker's writes to {@code capsule_versions} and {@code capsule_branches} (V8): version 1 of a
 * generated capsule and the {@code main} branch pointing at it, and the versions builds append to
 * {@code main} when they apply a goal (so builds and {@code POST /capsule/{id}/version} share one
 * history). Idempotent: a retried activity writes nothing new (version IDs are derived from the
 * capsule ID and what the version is).
 */
public final class CapsuleVersionRows {

  private static final ObjectMapper JSON = new ObjectMapper();

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

  /**
   * A version appended to {@code main} (parent: main's head; number: the capsule's next), main
   * moved to it and its {@code version.created} event recorded, in one transaction that locks the
   * capsule row as the API's version writes do. Nothing happens when the version exists (a retry).
   *
   * @param key what identifies the version among the capsule's (a build's version object key)
   */
  public static void appendOnMain(
      JdbcTemplate jdbc, String capsuleId, String key, FileSet set, String author, String message) {
    String id =
        "ver-" + UUID.nameUUIDFromBytes((capsuleId + "/" + key).getBytes(StandardCharsets.UTF_8));
    jdbc.execute(
        (ConnectionCallback<Void>)
            con -> {
              boolean autoCommit = con.getAutoCommit();
              con.setAutoCommit(false);
              try {
                append(con, capsuleId, id, set, author, message);
                con.commit();
              } catch (SQLException | RuntimeException e) {
                con.rollback();
                throw e;
              } finally {
                con.setAutoCommit(autoCommit);
              }
              return null;
            });
  }

  private static void append(
      Connection con, String capsuleId, String id, FileSet set, String author, String message)
      throws SQLException {
    String webhook;
    try (PreparedStatement lock =
        con.prepareStatement("SELECT webhook_url FROM capsules WHERE id = ? FOR UPDATE")) {
      lock.setString(1, capsuleId);
      try (ResultSet rs = lock.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        webhook = rs.getString(1);
      }
    }
    try (PreparedStatement exists =
        con.prepareStatement("SELECT 1 FROM capsule_versions WHERE id = ?")) {
      exists.setString(1, id);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    String head = null;
    try (PreparedStatement select =
        con.prepareStatement(
            "SELECT head_version_id FROM capsule_branches WHERE capsule_id = ? AND name = 'main'"
                + " FOR UPDATE")) {
      select.setString(1, capsuleId);
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          head = rs.getString(1);
        }
      }
    }
    int number;
    try (PreparedStatement insert =
        con.prepareStatement(
            "INSERT INTO capsule_versions (id, capsule_id, number, parent_id, branch, author,"
                + " message, manifest_sha256, manifest_key, file_count, total_size_bytes)"
                + " SELECT ?, ?, COALESCE(MAX(number), 0) + 1, ?, 'main', ?, ?, ?, ?, ?, ?"
                + " FROM capsule_versions WHERE capsule_id = ? RETURNING number")) {
      insert.setString(1, id);
      insert.setString(2, capsuleId);
      insert.setString(3, head);
      insert.setString(4, author);
      insert.setString(5, message);
      insert.setString(6, set.digest());
      insert.setString(7, FileManifest.keyOf(set.digest()));
      insert.setInt(8, set.fileCount());
      insert.setLong(9, set.totalBytes());
      insert.setString(10, capsuleId);
      try (ResultSet rs = insert.executeQuery()) {
        rs.next();
        number = rs.getInt(1);
      }
    }
    try (PreparedStatement move =
        con.prepareStatement(
            head == null
                ? "INSERT INTO capsule_branches (head_version_id, capsule_id, name, author)"
                    + " VALUES (?, ?, 'main', 'system')"
                : "UPDATE capsule_branches SET head_version_id = ?, updated_at = now()"
                    + " WHERE capsule_id = ? AND name = 'main'")) {
      move.setString(1, id);
      move.setString(2, capsuleId);
      move.executeUpdate();
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("capsule_id", capsuleId);
    data.put("version_id", id);
    data.put("version_number", number);
    data.put("parent_version", head);
    data.put("branch", "main");
    data.put("author", author);
    data.put("manifest_sha256", set.digest());
    try (PreparedStatement event =
        con.prepareStatement(
            "INSERT INTO capsule_events (id, capsule_id, event, payload, webhook_url, version_id)"
                + " VALUES (?, ?, 'version.created', CAST(? AS jsonb), ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
      event.setObject(
          1, UUID.nameUUIDFromBytes(("version.created:" + id).getBytes(StandardCharsets.UTF_8)));
      event.setString(2, capsuleId);
      event.setString(3, JSON.writeValueAsString(data));
      event.setString(4, webhook);
      event.setString(5, id);
      event.executeUpdate();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
