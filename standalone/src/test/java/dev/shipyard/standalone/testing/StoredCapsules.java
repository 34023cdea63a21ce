package dev.shipyard.standalone.testing;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.capsules.FileSet;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A capsule of {@code owner} stored as a finished generation leaves it (files in S3, rows, version
 * 1 on {@code main}).
 */
public final class StoredCapsules {

  private StoredCapsules() {}

  /** Stores {@code files} as the capsule {@code cap-<project>} of {@code owner}. */
  public static void store(
      LocalPlatform platform, Account owner, String project, List<SourceFile> files) {
    FileSet set = new ProjectFiles(platform.workerContext().getBean(BlobStore.class)).save(files);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    String id = "cap-" + project;
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, project_name,"
            + " engine, target_score, workflow_id, file_count, manifest_key, version_key)"
            + " VALUES (?, ?, ?, ?, 'a slow project', ?, 'offline', 0.9, ?, ?, ?, ?)",
        id,
        "req-" + project,
        owner.tenantId(),
        UUID.fromString(owner.id()),
        project,
        "capsule-" + id,
        set.fileCount(),
        set.manifestKey(),
        "capsules/" + id + "/versions/v1.json");
    jdbc.update(
        "INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase,"
            + " sequence) VALUES (?, 'capsule-generation', ?, ?, 'completed', 'stored', 1)",
        "capsule-" + id,
        owner.tenantId(),
        owner.id());
    // version 1 on main, as the storing step writes it
    dev.shipyard.activities.capsules.CapsuleVersionRows.writeInitial(jdbc, id, set);
  }
}
