package dev.shipyard.activities.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.capsules.CapsuleVersionRows;
import dev.shipyard.activities.codegen.GenerationEngine;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.activities.storage.ProjectFiles;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.VersionKey;
import dev.shipyard.workflows.builds.BuildFailure;
import dev.shipyard.workflows.builds.BuildProjectActivities;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.PreparedProject;
import dev.shipyard.workflows.capsules.CapsuleStatus;
import dev.shipyard.workflows.capsules.FileSet;
import dev.shipyard.workflows.capsules.Preview;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The project of a build. When the caller has a stored capsule named {@code project_name} (the
 * latest one), the goal is applied to it: the engine plans the goal on the capsule's stack, the
 * plan's entities and features are added to the capsule's, and the files of the merged plan are
 * generated; a file is written when it is new, or when the capsule still holds the engine's own
 * version of it (files the owner changed are kept as they are). Changed files make a new version of
 * the capsule. When no such capsule exists, one is generated from the goal and parameters ({@code
 * framework}, {@code database}, {@code language}, {@code entities}) and stored as capsule
 * generation stores one (files, version object, capsule row, completed run), so {@code GET
 * /capsule/{id}} shows it. Idempotent: the capsule ID of a generated project derives from the task
 * ID, and versions are content-addressed.
 */
public class BuildProjectActivitiesImpl implements BuildProjectActivities {

  private final Map<String, GenerationEngine> engines = new LinkedHashMap<>();
  private final String defaultEngine;
  private final BlobStore blobs;
  private final ProjectFiles files;
  private final JdbcTemplate jdbc;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public BuildProjectActivitiesImpl(
      List<GenerationEngine> engines, String defaultEngine, BlobStore blobs, JdbcTemplate jdbc) {
    engines.forEach(e -> this.engines.put(e.name(), e));
    this.defaultEngine = defaultEngine;
    this.blobs = blobs;
    this.files = new ProjectFiles(blobs);
    this.jdbc = jdbc;
  }

  /** The ID of the capsule a build generates: stable across retries. */
  public static String generatedCapsuleId(String taskId) {
    return "cap-b"
        + ProjectFiles.sha256(("build/" + taskId).getBytes(StandardCharsets.UTF_8))
            .substring(0, 15);
  }

  @Override
  public PreparedProject prepare(BuildRequest request) {
    try {
      return Heartbeats.during("preparing project", () -> doPrepare(request));
    } catch (Exception e) {
      throw BuildFailures.map(e);
    }
  }

  private PreparedProject doPrepare(BuildRequest request) {
    String generatedId = generatedCapsuleId(request.taskId());
    List<Map<String, Object>> existing =
        jdbc.queryForList(
            "SELECT c.id, c.manifest_key, c.version_key, c.plan::text AS plan, c.engine"
                + " FROM capsules c JOIN workflow_runs r ON r.workflow_id = c.workflow_id"
                + " WHERE c.tenant_id = ? AND c.owner_id = ? AND r.status = 'completed'"
                + " AND c.manifest_key IS NOT NULL AND (c.project_name = ?"
                + " OR (c.project_name IS NULL AND c.plan->>'projectName' = ?))"
                + " ORDER BY (c.id = ?) DESC, c.created_at DESC LIMIT 1",
            request.tenantId(),
            UUID.fromString(request.ownerId()),
            request.projectName(),
            request.projectName(),
            generatedId);
    if (existing.isEmpty()) {
      return generate(request, generatedId);
    }
    Map<String, Object> row = existing.get(0);
    String id = (String) row.get("id");
    if (id.equals(generatedId)) {
      // A retry after this build stored its generated capsule.
      return prepared(request, id, row, true);
    }
    return apply(request, row);
  }

  private PreparedProject generate(BuildRequest request, String capsuleId) {
    GenerationEngine engine = engine(request.engine());
    GenerationSpec spec = spec(request);
    ProjectPlan plan = withName(engine.plan(spec), request.projectName());
    List<SourceFile> generated = engine.generate(plan, spec);
    FileSet set = files.save(generated);
    VersionKey version = VersionKey.capsule(capsuleId, 1);
    writeVersion(version, capsuleId, set, plan);
    String workflowId = "capsule-" + capsuleId;
    jdbc.update(
        "INSERT INTO capsules (id, request_id, tenant_id, owner_id, description, requirements,"
            + " project_name, constraints, metadata, engine, target_score, workflow_id,"
            + " file_count, total_size_bytes, languages, frameworks, manifest_key, version_key,"
            + " plan, preview) VALUES (?, ?, ?, ?, ?, '', ?, CAST(? AS jsonb), CAST(? AS jsonb),"
            + " ?, 0.9, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))"
            + " ON CONFLICT (id) DO NOTHING",
        capsuleId,
        "build-" + request.taskId(),
        request.tenantId(),
        UUID.fromString(request.ownerId()),
        request.goal(),
        request.projectName(),
        toJson(request.parameters()),
        toJson(Map.of("build_task_id", request.taskId())),
        engine.name(),
        workflowId,
        set.fileCount(),
        set.totalBytes(),
        new String[] {plan.language()},
        new String[] {plan.framework()},
        set.manifestKey(),
        version.key(),
        toJson(plan),
        toJson(Preview.of(set.paths())));
    jdbc.update(
        "INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase,"
            + " details, sequence, closed_at) VALUES (?, ?, ?, ?, 'completed', ?, ?, 1, now())"
            + " ON CONFLICT (workflow_id) DO NOTHING",
        workflowId,
        CapsuleStatus.KIND,
        request.tenantId(),
        request.ownerId(),
        CapsuleStatus.STORED.value(),
        "Generated by build " + request.taskId());
    CapsuleVersionRows.writeInitial(jdbc, capsuleId, set);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("manifest_key", set.manifestKey());
    row.put("version_key", version.key());
    row.put("plan", toJson(plan));
    return record(
        request,
        new PreparedProject(
            capsuleId,
            version.key(),
            set.manifestKey(),
            plan.stack(),
            true,
            set.fileCount(),
            set.paths(),
            "Generated " + set.fileCount() + " files (" + plan.stack() + ") from the goal"));
  }

  /** The goal applied to an existing capsule (see the class comment). */
  private PreparedProject apply(BuildRequest request, Map<String, Object> row) {
    String capsuleId = (String) row.get("id");
    ProjectPlan current = readPlan((String) row.get("plan"));
    GenerationEngine engine = engine((String) row.get("engine"));
    if (current == null || !engine.name().equals("offline")) {
      PreparedProject kept = prepared(request, capsuleId, row, false);
      return record(
          request,
          new PreparedProject(
              kept.capsuleId(),
              kept.versionId(),
              kept.manifestKey(),
              kept.stack(),
              false,
              kept.fileCount(),
              List.of(),
              "Existing capsule built as stored: the goal is not applied to capsules of the "
                  + engine.name()
                  + " engine or without a stored plan"));
    }
    GenerationSpec spec = spec(request, current);
    ProjectPlan goal = engine.plan(spec);
    ProjectPlan merged = merge(current, goal);
    List<SourceFile> stored = files.load((String) row.get("manifest_key"));
    Map<String, String> before = new LinkedHashMap<>();
    engine.generate(current, spec).forEach(f -> before.put(f.path(), f.content()));
    Map<String, SourceFile> result = new LinkedHashMap<>();
    stored.forEach(f -> result.put(f.path(), f));
    List<String> changed = new ArrayList<>();
    for (SourceFile file : engine.generate(merged, spec)) {
      SourceFile now = result.get(file.path());
      boolean engineOwned = now != null && now.content().equals(before.get(file.path()));
      if ((now == null || engineOwned) && (now == null || !now.content().equals(file.content()))) {
        result.put(file.path(), file);
        changed.add(file.path());
      }
    }
    if (changed.isEmpty()) {
      PreparedProject kept = prepared(request, capsuleId, row, false);
      return record(
          request,
          new PreparedProject(
              kept.capsuleId(),
              kept.versionId(),
              kept.manifestKey(),
              kept.stack(),
              false,
              kept.fileCount(),
              List.of(),
              "The goal adds nothing the capsule lacks: built as stored"));
    }
    FileSet set = files.save(new ArrayList<>(result.values()));
    VersionKey previous =
        VersionKey.parse((String) row.get("version_key")).orElse(VersionKey.capsule(capsuleId, 1));
    VersionKey version = previous.next();
    writeVersion(version, capsuleId, set, merged);
    int moved =
        jdbc.update(
            "UPDATE capsules SET manifest_key = ?, version_key = ?, plan = CAST(? AS jsonb),"
                + " file_count = ?, total_size_bytes = ?, preview = CAST(? AS jsonb),"
                + " updated_at = now() WHERE id = ? AND version_key IS NOT DISTINCT FROM ?",
            set.manifestKey(),
            version.key(),
            toJson(merged),
            set.fileCount(),
            set.totalBytes(),
            toJson(Preview.of(new ArrayList<>(result.keySet()))),
            capsuleId,
            row.get("version_key"));
    if (moved == 1) {
      // The same history as the API's versions: a version on main, parent main's head.
      CapsuleVersionRows.appendOnMain(
          jdbc,
          capsuleId,
          version.key(),
          set,
          "build " + request.taskId(),
          "Build " + request.taskId() + ": " + request.goal());
    }
    changed.sort(String::compareTo);
    return record(
        request,
        new PreparedProject(
            capsuleId,
            version.key(),
            set.manifestKey(),
            merged.stack(),
            false,
            set.fileCount(),
            changed,
            "Goal applied: "
                + changed.size()
                + " file(s) added or regenerated for entities "
                + merged.entities()
                + " and features "
                + merged.features()));
  }

  private PreparedProject prepared(
      BuildRequest request, String capsuleId, Map<String, Object> row, boolean generated) {
    ProjectPlan plan = readPlan((String) row.get("plan"));
    String manifestKey = (String) row.get("manifest_key");
    byte[] manifest = blobs.get(manifestKey).orElse(new byte[0]);
    List<String> paths = new ArrayList<>();
    try {
      json.readTree(manifest).fieldNames().forEachRemaining(paths::add);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Unreadable manifest " + manifestKey, e);
    }
    return record(
        request,
        new PreparedProject(
            capsuleId,
            (String) row.get("version_key"),
            manifestKey,
            plan == null ? "unknown" : plan.stack(),
            generated,
            paths.size(),
            generated ? paths.subList(0, Math.min(FileSet.MAX_PATHS, paths.size())) : List.of(),
            generated ? "Generated from the goal" : "Existing capsule built as stored"));
  }

  /** Names the project in the build's row; returns it bounded. */
  private PreparedProject record(BuildRequest request, PreparedProject p) {
    jdbc.update(
        "UPDATE builds SET capsule_id = ?, version_id = ? WHERE task_id = ?",
        p.capsuleId(),
        p.versionId(),
        UUID.fromString(request.taskId()));
    List<String> bounded = p.changedFiles();
    if (bounded.size() > FileSet.MAX_PATHS) {
      bounded = bounded.subList(0, FileSet.MAX_PATHS);
    }
    return new PreparedProject(
        p.capsuleId(),
        p.versionId(),
        p.manifestKey(),
        p.stack(),
        p.generated(),
        p.fileCount(),
        bounded,
        p.note());
  }

  private void writeVersion(VersionKey version, String capsuleId, FileSet set, ProjectPlan plan) {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("capsule_id", capsuleId);
    object.put("version", version.version());
    object.put("manifest_key", set.manifestKey());
    object.put("manifest_sha256", set.digest());
    object.put("file_count", set.fileCount());
    object.put("total_size_bytes", set.totalBytes());
    object.put("plan", plan);
    blobs.putIfAbsent(
        version.key(), toJson(object).getBytes(StandardCharsets.UTF_8), "application/json");
  }

  private static ProjectPlan merge(ProjectPlan current, ProjectPlan goal) {
    LinkedHashSet<String> features = new LinkedHashSet<>(current.features());
    features.addAll(goal.features());
    LinkedHashSet<String> entities = new LinkedHashSet<>(current.entities());
    entities.addAll(goal.entities());
    return new ProjectPlan(
        current.projectName(),
        current.stack(),
        current.language(),
        current.framework(),
        current.database(),
        List.copyOf(features),
        List.copyOf(entities));
  }

  private static ProjectPlan withName(ProjectPlan plan, String name) {
    return new ProjectPlan(
        name,
        plan.stack(),
        plan.language(),
        plan.framework(),
        plan.database(),
        plan.features(),
        plan.entities());
  }

  private GenerationEngine engine(String name) {
    String wanted = name == null ? defaultEngine : name;
    GenerationEngine engine = engines.get(wanted);
    if (engine == null) {
      throw BuildFailures.of(
          BuildFailure.ENGINE_UNAVAILABLE,
          "Generation engine '"
              + wanted
              + "' is not available here; available: "
              + engines.keySet());
    }
    return engine;
  }

  static GenerationSpec spec(BuildRequest request) {
    return new GenerationSpec(request.goal(), "", request.parameters());
  }

  /** The goal on the capsule's own stack: its framework wins over the parameters'. */
  static GenerationSpec spec(BuildRequest request, ProjectPlan current) {
    Map<String, String> constraints = new LinkedHashMap<>(request.parameters());
    constraints.put("framework", current.framework());
    constraints.put("language", current.language());
    constraints.put("database", current.database());
    return new GenerationSpec(request.goal(), "", constraints);
  }

  private ProjectPlan readPlan(String text) {
    if (text == null) {
      return null;
    }
    try {
      return json.readValue(text, ProjectPlan.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(Objects.requireNonNull(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
