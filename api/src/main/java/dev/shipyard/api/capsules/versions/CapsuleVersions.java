package dev.shipyard.api.capsules.versions;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.CapsuleStore;
import dev.shipyard.api.security.Caller;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.S3AsyncBlobReader;
import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads capsule versions (V8 {@code capsule_versions}) for every endpoint that works on one:
 * stream, export, sign, verify, history. Scoped like {@link CapsuleStore#require}: a capsule the
 * caller may not see is 404 {@code CAPSULE_NOT_FOUND}, and so are its versions.
 */
@Component
public class CapsuleVersions {

  static final String COLUMNS =
      "id, capsule_id, number, parent_id, branch, author, message, manifest_sha256, manifest_key,"
          + " file_count, total_size_bytes, created_at";

  private final DatabaseClient db;
  private final CapsuleStore capsules;
  private final S3AsyncBlobReader blobs;

  CapsuleVersions(DatabaseClient db, CapsuleStore capsules, S3AsyncBlobReader blobs) {
    this.db = db;
    this.capsules = capsules;
    this.blobs = blobs;
  }

  /**
   * The version {@code versionId} of a visible capsule, or, when {@code versionId} is null, the
   * head of its {@code main} branch. 404 {@code CAPSULE_NOT_FOUND} / {@code VERSION_NOT_FOUND}; 409
   * {@code CAPSULE_NOT_READY} when the capsule has no version yet (still generating, failed).
   */
  public Mono<ResolvedVersion> resolve(Caller caller, String capsuleId, String versionId) {
    return capsules
        .require(caller, capsuleId)
        .flatMap(
            capsule ->
                (versionId == null ? head(capsuleId, "main") : find(capsuleId, versionId))
                    .map(v -> new ResolvedVersion(capsule, v))
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                versionId == null
                                    ? CapsuleErrors.notReady(capsuleId, capsule.status())
                                    : CapsuleErrors.versionNotFound(capsuleId, versionId))));
  }

  /** The version {@code versionId} of the capsule (not scoped: resolve the capsule first). */
  public Mono<CapsuleVersion> find(String capsuleId, String versionId) {
    return db.sql(
            "SELECT " + COLUMNS + " FROM capsule_versions WHERE capsule_id = :capsule AND id = :id")
        .bind("capsule", capsuleId)
        .bind("id", versionId)
        .map(CapsuleVersions::map)
        .one();
  }

  /** The head of {@code branch}, or empty when there is no such branch. */
  public Mono<CapsuleVersion> head(String capsuleId, String branch) {
    return db.sql(
            "SELECT v."
                + COLUMNS.replace(", ", ", v.")
                + " FROM capsule_branches b JOIN capsule_versions v ON v.id = b.head_version_id"
                + " WHERE b.capsule_id = :capsule AND b.name = :branch")
        .bind("capsule", capsuleId)
        .bind("branch", branch)
        .map(CapsuleVersions::map)
        .one();
  }

  /**
   * The version's manifest, read without blocking and checked against its digest (a manifest that
   * does not match is an error, never served).
   */
  public Mono<FileManifest> manifest(CapsuleVersion version) {
    return Mono.fromFuture(() -> blobs.open(version.manifestKey()))
        .flatMap(
            download ->
                download
                    .map(d -> Flux.from(d.body()).collectList().map(CapsuleVersions::concat))
                    .orElseGet(
                        () ->
                            Mono.error(
                                new IllegalStateException(
                                    "Missing manifest " + version.manifestKey()))))
        .map(
            bytes -> {
              FileManifest manifest = FileManifest.parse(bytes);
              if (!FileManifest.sha256(bytes).equals(version.manifestSha256())) {
                throw new IllegalStateException(
                    "Manifest " + version.manifestKey() + " does not match its digest");
              }
              return manifest;
            });
  }

  /**
   * The versions of {@code branch} newest first, following parents from its head (so a branch's
   * history includes the versions it was made from), at most {@code limit}, each with its tags; and
   * how many there are in all. Empty when there is no such branch.
   */
  Mono<BranchHistory> history(String capsuleId, String branch, int limit) {
    String chain =
        "WITH RECURSIVE chain AS ("
            + " SELECT v.id, v.parent_id, 0 AS depth FROM capsule_branches b"
            + " JOIN capsule_versions v ON v.id = b.head_version_id"
            + " WHERE b.capsule_id = :capsule AND b.name = :branch"
            + " UNION ALL SELECT p.id, p.parent_id, chain.depth + 1 FROM chain"
            + " JOIN capsule_versions p ON p.id = chain.parent_id)";
    Mono<Long> total =
        db.sql(chain + " SELECT count(*) AS n FROM chain")
            .bind("capsule", capsuleId)
            .bind("branch", branch)
            .map(row -> row.get("n", Long.class))
            .one();
    Mono<java.util.List<Tagged>> page =
        db.sql(
                chain
                    + " SELECT v."
                    + COLUMNS.replace(", ", ", v.")
                    + ", ARRAY(SELECT t.name FROM capsule_tags t WHERE t.version_id = v.id"
                    + " ORDER BY t.created_at, t.name) AS tags"
                    + " FROM chain JOIN capsule_versions v ON v.id = chain.id"
                    + " ORDER BY chain.depth LIMIT :limit")
            .bind("capsule", capsuleId)
            .bind("branch", branch)
            .bind("limit", limit)
            .map(
                row ->
                    new Tagged(map(row), java.util.Arrays.asList(row.get("tags", String[].class))))
            .all()
            .collectList();
    return total
        .filter(n -> n > 0)
        .flatMap(n -> page.map(versions -> new BranchHistory(n, versions)));
  }

  /** A version with its tags. */
  record Tagged(CapsuleVersion version, java.util.List<String> tags) {}

  /** A page of a branch's history and the number of versions on it. */
  record BranchHistory(long total, java.util.List<Tagged> versions) {}

  static CapsuleVersion map(Readable row) {
    return new CapsuleVersion(
        row.get("id", String.class),
        row.get("capsule_id", String.class),
        row.get("number", Integer.class),
        row.get("parent_id", String.class),
        row.get("branch", String.class),
        row.get("author", String.class),
        row.get("message", String.class),
        row.get("manifest_sha256", String.class),
        row.get("manifest_key", String.class),
        row.get("file_count", Integer.class),
        row.get("total_size_bytes", Long.class),
        row.get("created_at", OffsetDateTime.class));
  }

  private static byte[] concat(java.util.List<ByteBuffer> parts) {
    int size = parts.stream().mapToInt(ByteBuffer::remaining).sum();
    ByteBuffer all = ByteBuffer.allocate(size);
    parts.forEach(p -> all.put(p.duplicate()));
    return all.array();
  }
}
