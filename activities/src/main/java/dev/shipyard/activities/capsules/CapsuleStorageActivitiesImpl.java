package dev.shipyard.activities.capsules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.VersionKey;
import dev.shipyard.workflows.capsules.CapsuleStorageActivities;
import dev.shipyard.workflows.capsules.FileSet;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.Iteration;
import dev.shipyard.workflows.capsules.Preview;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import dev.shipyard.workflows.capsules.ValidationSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Stores a capsule: its version object and its business row (plan, the full validation report,
 * preview, iterations with all their issues). The status is not written here: it is the run
 * projection's. A long step: it heartbeats while it reads reports and manifests.
 */
public class CapsuleStorageActivitiesImpl implements CapsuleStorageActivities {

  private static final TypeReference<Map<String, Object>> MANIFEST = new TypeReference<>() {};

  private final BlobStore blobs;
  private final ValidationReports reports;
  private final JdbcTemplate jdbc;
  private final ObjectMapper json = new ObjectMapper();

  public CapsuleStorageActivitiesImpl(BlobStore blobs, JdbcTemplate jdbc) {
    this.blobs = blobs;
    this.reports = new ValidationReports(blobs);
    this.jdbc = jdbc;
  }

  @Override
  public String store(
      GenerationRequest request,
      ProjectPlan plan,
      FileSet set,
      ValidationSummary summary,
      List<Iteration> iterations) {
    return CapsuleSteps.run("storing", () -> doStore(request, plan, set, summary, iterations));
  }

  private String doStore(
      GenerationRequest request,
      ProjectPlan plan,
      FileSet set,
      ValidationSummary summary,
      List<Iteration> iterations) {
    VersionKey first = VersionKey.capsule(request.capsuleId(), 1);
    String versionKey = first.key();
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("capsule_id", request.capsuleId());
    version.put("version", first.version());
    version.put("manifest_key", set.manifestKey());
    version.put("manifest_sha256", set.digest());
    version.put("file_count", set.fileCount());
    version.put("total_size_bytes", set.totalBytes());
    version.put("plan", plan);
    version.put("score", summary.score());
    blobs.putIfAbsent(
        versionKey, toJson(version).getBytes(StandardCharsets.UTF_8), "application/json");

    ValidationReport report = reports.load(summary.reportKey());
    int updated =
        jdbc.update(
            "UPDATE capsules SET file_count = ?, total_size_bytes = ?,"
                + " confidence_score = ?, languages = ?, frameworks = ?, manifest_key = ?,"
                + " version_key = ?, plan = CAST(? AS jsonb), validation = CAST(? AS jsonb),"
                + " preview = CAST(? AS jsonb), iterations = CAST(? AS jsonb),"
                + " refinement_iterations = ?, updated_at = now() WHERE id = ?",
            set.fileCount(),
            set.totalBytes(),
            summary.score(),
            new String[] {plan.language()},
            new String[] {plan.framework()},
            set.manifestKey(),
            versionKey,
            toJson(plan),
            toJson(report),
            toJson(Preview.of(paths(set))),
            toJson(complete(iterations, summary.reportKey(), report)),
            Math.max(0, iterations.size() - 1),
            request.capsuleId());
    if (updated == 1) {
      // A capsule deleted while it was generating has no row: no version to record either.
      CapsuleVersionRows.writeInitial(jdbc, request.capsuleId(), set);
    }
    return versionKey;
  }

  /** Every path of the file set, from its manifest (the payload carries only the first ones). */
  private List<String> paths(FileSet set) {
    if (set.paths().size() == set.fileCount()) {
      return set.paths();
    }
    byte[] manifest =
        blobs
            .get(set.manifestKey())
            .orElseThrow(() -> new IllegalStateException("Missing manifest " + set.manifestKey()));
    try {
      return new ArrayList<>(json.readValue(manifest, MANIFEST).keySet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The iterations with every issue of their rounds, read from their full reports. */
  private List<Iteration> complete(
      List<Iteration> iterations, String lastKey, ValidationReport last) {
    List<Iteration> full = new ArrayList<>();
    for (Iteration i : iterations) {
      if (i.issues().size() >= i.issueCount() || i.reportKey() == null) {
        full.add(i);
        continue;
      }
      List<String> issues =
          i.reportKey().equals(lastKey) ? last.issues() : reports.load(i.reportKey()).issues();
      full.add(
          new Iteration(
              i.number(),
              i.phase(),
              i.fileSetDigest(),
              i.score(),
              i.productionReady(),
              issues,
              i.issueCount(),
              i.reportKey(),
              i.millis()));
    }
    return full;
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
