package dev.shipyard.api.capsules.versions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.CapsuleRecord;
import dev.shipyard.api.capsules.CapsuleStore;
import dev.shipyard.api.capsules.versions.VersionBodies.Change;
import dev.shipyard.api.capsules.versions.VersionBodies.CreateVersion;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Caller;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.ContentAddress;
import dev.shipyard.storage.FileManifest;
import io.r2dbc.postgresql.codec.Json;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The writes of capsule versions (capsules-api.md §7, §9, §10): a new version from content, a
 * branch, a tag. A version is written in three steps, so that what PostgreSQL holds is always
 * whole: (1) everything the request declares is checked against the parent's manifest before
 * anything is stored; (2) the files go to object storage as content-addressed blobs and the new
 * {@link FileManifest} is stored; (3) one transaction inserts the version and moves the branch
 * head, guarded by the head ({@code WHERE head_version_id = parent}). A request that fails in step
 * 2 or 3 (a size that differs from the declared one, a stale parent, a concurrent create that won)
 * leaves at most blobs and a manifest no row names: content-addressed, so harmless, and reused by
 * the next version that holds the same bytes.
 */
@Component
public class VersionWriter {

  /**
   * The most bytes one multipart version request may carry (2 GiB); JSON requests are bounded by
   * the API's body limit ({@code MAX_REQUEST_BODY}).
   */
  public static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;

  /** The largest {@code version} part of a multipart request: 1 MiB of JSON. */
  static final int MAX_VERSION_PART_BYTES = 1024 * 1024;

  private final DatabaseClient db;
  private final TransactionalOperator tx;
  private final CapsuleStore capsules;
  private final CapsuleVersions versions;
  private final BlobStore blobs;
  private final ObjectMapper json;
  private final Validator validator;

  VersionWriter(
      DatabaseClient db,
      TransactionalOperator tx,
      CapsuleStore capsules,
      CapsuleVersions versions,
      BlobStore blobs,
      ObjectMapper json,
      Validator validator) {
    this.validator = validator;
    this.db = db;
    this.tx = tx;
    this.capsules = capsules;
    this.versions = versions;
    this.blobs = blobs;
    this.json = json;
  }

  /**
   * A version request checked against its parent: what the new version is made of before any file
   * is stored.
   *
   * @param declared the declared changes by path
   * @param parentFiles the parent's manifest entries by path
   */
  record Plan(
      CapsuleRecord capsule,
      CapsuleVersion parent,
      String branch,
      String author,
      String message,
      List<Change> changes,
      Map<String, Change> declared,
      Map<String, FileManifest.Entry> parentFiles) {

    /** Whether {@code path} must come with content (declared added or modified). */
    boolean needsContent(String path) {
      Change c = declared.get(path);
      return c != null && !c.type().equals("deleted");
    }
  }

  /** A file's stored content, with the field that sent it (for error messages). */
  record Stored(String field, String path, ContentAddress address) {}

  // ---------------------------------------------------------------- step 1: checks

  /**
   * Checks the request's own content (paths: 400; duplicates, sizes: 422), then against the capsule
   * (404), the branch (404, 409 when the parent is not its head) and the parent's files (422: an
   * {@code added} path that exists, a {@code modified} or {@code deleted} path that does not; 400:
   * a path that would be a file and a directory).
   */
  Mono<Plan> plan(Caller caller, String capsuleId, CreateVersion request) {
    Map<String, Change> declared = new TreeMap<>();
    for (int i = 0; i < request.changes().size(); i++) {
      Change c = request.changes().get(i);
      String field = "changes[" + i + "]";
      VersionNames.checkPath(field + ".path", c.path());
      if (declared.put(c.path(), c) != null) {
        throw CapsuleErrors.invalid(
            field + ".path", "Path " + VersionNames.printable(c.path()) + " is declared twice");
      }
      if (!c.type().equals("deleted") && c.size() == null) {
        throw CapsuleErrors.invalid(
            field + ".size",
            "size is required for the " + c.type() + " file " + VersionNames.printable(c.path()));
      }
    }
    if (request.files() != null) {
      for (int i = 0; i < request.files().size(); i++) {
        VersionNames.checkPath("files[" + i + "].path", request.files().get(i).path());
      }
    }
    String branch = VersionNames.checkRef("metadata.branch", request.branch());
    String author = request.author() == null ? caller.username() : request.author().trim();
    String message = request.message() == null ? "" : request.message();
    return capsules
        .require(caller, capsuleId)
        .flatMap(
            capsule ->
                versions
                    .head(capsuleId, branch)
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                branch.equals("main")
                                    ? CapsuleErrors.notReady(capsuleId, capsule.status())
                                    : branchNotFound(capsuleId, branch)))
                    .flatMap(
                        head ->
                            versions
                                .find(capsuleId, request.parentVersion())
                                .switchIfEmpty(
                                    Mono.error(
                                        () ->
                                            CapsuleErrors.versionNotFound(
                                                capsuleId, request.parentVersion())))
                                .map(
                                    parent -> {
                                      if (!parent.id().equals(head.id())) {
                                        throw stale(branch, parent.id(), head.id());
                                      }
                                      return parent;
                                    }))
                    .flatMap(
                        parent ->
                            versions
                                .manifest(parent)
                                .map(
                                    manifest ->
                                        check(
                                            new Plan(
                                                capsule,
                                                parent,
                                                branch,
                                                author,
                                                message,
                                                request.changes(),
                                                declared,
                                                byPath(manifest))))));
  }

  private static Plan check(Plan plan) {
    List<String> result = new ArrayList<>(plan.parentFiles().keySet());
    int i = 0;
    for (Change c : plan.changes()) {
      String field = "changes[" + i++ + "]";
      boolean exists = plan.parentFiles().containsKey(c.path());
      switch (c.type()) {
        case "added" -> {
          if (exists) {
            throw CapsuleErrors.invalid(
                field + ".type",
                "added "
                    + VersionNames.printable(c.path())
                    + " exists in the parent version (declare it modified)");
          }
          result.add(c.path());
        }
        case "modified" -> {
          if (!exists) {
            throw CapsuleErrors.invalid(
                field + ".type",
                "modified "
                    + VersionNames.printable(c.path())
                    + " does not exist in the parent version (declare it added)");
          }
        }
        default -> {
          if (!exists) {
            throw CapsuleErrors.invalid(
                field + ".type",
                "deleted " + VersionNames.printable(c.path()) + " does not exist in the parent");
          }
          result.remove(c.path());
        }
      }
    }
    VersionNames.checkNoFileDirectoryClash(result);
    return plan;
  }

  /**
   * Checks one sent file against the plan before its content is stored: 422 when it is not
   * declared, declared deleted, or sent twice.
   */
  static void checkSent(Plan plan, String field, String path, Map<String, ?> seen) {
    Change c = plan.declared().get(path);
    if (c == null) {
      throw CapsuleErrors.invalid(
          field, "File " + VersionNames.printable(path) + " is sent but not declared in changes");
    }
    if (c.type().equals("deleted")) {
      throw CapsuleErrors.invalid(
          field, "File " + VersionNames.printable(path) + " is declared deleted but sent");
    }
    if (seen.containsKey(path)) {
      throw CapsuleErrors.invalid(field, "File " + VersionNames.printable(path) + " is sent twice");
    }
  }

  /** 422 when a stored file's size differs from its declared size. */
  static void checkSize(Plan plan, String field, String path, long size) {
    long declared = plan.declared().get(path).size();
    if (declared != size) {
      throw CapsuleErrors.invalid(
          field,
          "File "
              + VersionNames.printable(path)
              + " is "
              + size
              + " bytes but declared "
              + declared
              + " bytes");
    }
  }

  /** 422 when a declared added or modified file came without content. */
  static void checkAllSent(Plan plan, Map<String, ?> sent) {
    int i = 0;
    for (Change c : plan.changes()) {
      if (plan.needsContent(c.path()) && !sent.containsKey(c.path())) {
        throw CapsuleErrors.invalid(
            "changes[" + i + "].path",
            c.type() + " " + VersionNames.printable(c.path()) + " is declared but no content sent");
      }
      i++;
    }
  }

  // ---------------------------------------------------------------- step 2: content

  /**
   * Stores {@code content} as a content-addressed blob, on {@code boundedElastic} (the blocking
   * store), and returns its address.
   */
  Mono<ContentAddress> store(InputStream content) {
    return Mono.fromCallable(
            () -> {
              try (content) {
                return blobs.putContentAddressed(content, "application/octet-stream");
              }
            })
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorMap(VersionWriter::tooLarge, e -> tooLargeError());
  }

  Mono<ContentAddress> store(byte[] content) {
    return store(new ByteArrayInputStream(content));
  }

  // ---------------------------------------------------------------- the two request forms

  /**
   * A version from a JSON request: every check (paths, declarations, decoded sizes) passes before
   * the first blob is stored.
   */
  Mono<VersionBodies.Created> createFromJson(
      Caller caller, String capsuleId, CreateVersion request) {
    return Mono.defer(() -> plan(caller, capsuleId, request))
        .flatMap(
            plan -> {
              Map<String, byte[]> contents = new LinkedHashMap<>();
              Map<String, String> fields = new LinkedHashMap<>();
              List<VersionBodies.FileContent> files =
                  request.files() == null ? List.of() : request.files();
              for (int i = 0; i < files.size(); i++) {
                VersionBodies.FileContent f = files.get(i);
                String field = "files[" + i + "]";
                checkSent(plan, field + ".path", f.path(), contents);
                byte[] bytes = decode(field + ".content", f);
                checkSize(plan, field + ".content", f.path(), bytes.length);
                contents.put(f.path(), bytes);
                fields.put(f.path(), field);
              }
              checkAllSent(plan, contents);
              return Flux.fromIterable(contents.entrySet())
                  .concatMap(
                      e ->
                          store(e.getValue())
                              .map(a -> new Stored(fields.get(e.getKey()), e.getKey(), a)))
                  .collectMap(Stored::path, s -> s, LinkedHashMap::new)
                  .flatMap(stored -> commit(caller, plan, stored));
            });
  }

  /**
   * A version from a multipart request: the {@code version} part (the JSON request without {@code
   * files}) first, then one {@code file} part per added or modified file, its filename the file's
   * path. Each file part is checked (path, declared) before it is read and streamed to object
   * storage through a bounded buffer as it arrives: a file of any size never sits in memory.
   */
  Mono<VersionBodies.Created> createFromParts(
      Caller caller, String capsuleId, Flux<PartEvent> events) {
    AtomicReference<Plan> plan = new AtomicReference<>();
    Map<String, Stored> stored = new LinkedHashMap<>();
    AtomicLong total = new AtomicLong();
    return events
        .windowUntil(PartEvent::isLast)
        .concatMap(
            window ->
                window.switchOnFirst(
                    (signal, part) -> {
                      if (!signal.hasValue()) {
                        return part.then();
                      }
                      PartEvent first = signal.get();
                      if (plan.get() == null) {
                        if (!first.name().equals("version")) {
                          return Mono.error(
                              CapsuleErrors.badRequest(
                                  "version",
                                  "The first part must be 'version' (the version request as"
                                      + " JSON)"));
                        }
                        // A form field (text/plain) or a part with its own Content-Type
                        // (application/json): the JSON, at most MAX_VERSION_PART_BYTES.
                        return DataBufferUtils.join(
                                part.map(PartEvent::content), MAX_VERSION_PART_BYTES)
                            .onErrorMap(
                                DataBufferLimitException.class,
                                e ->
                                    CapsuleErrors.badRequest(
                                        "version",
                                        "The 'version' part is larger than "
                                            + MAX_VERSION_PART_BYTES
                                            + " bytes"))
                            .map(
                                buffer -> {
                                  try {
                                    return buffer.toString(StandardCharsets.UTF_8);
                                  } finally {
                                    DataBufferUtils.release(buffer);
                                  }
                                })
                            .defaultIfEmpty("")
                            .map(this::readVersion)
                            .flatMap(request -> plan(caller, capsuleId, request))
                            .doOnNext(plan::set)
                            .then();
                      }
                      if (!(first instanceof FilePartEvent file) || !file.name().equals("file")) {
                        return Mono.error(
                            CapsuleErrors.badRequest(
                                first.name(),
                                "Unexpected part '"
                                    + first.name()
                                    + "': after 'version' only file parts named 'file'"));
                      }
                      String path = file.filename();
                      String field = "file[" + stored.size() + "]";
                      VersionNames.checkPath(field, path);
                      checkSent(plan.get(), field, path, stored);
                      InputStream content =
                          new Bounded(
                              DataBufferUtils.subscriberInputStream(
                                  part.map(PartEvent::content), 4),
                              total);
                      return store(content)
                          .doOnNext(
                              address -> {
                                checkSize(plan.get(), field, path, address.size());
                                stored.put(path, new Stored(field, path, address));
                              })
                          .then();
                    }))
        .then(
            Mono.defer(
                () -> {
                  if (plan.get() == null) {
                    return Mono.error(
                        CapsuleErrors.badRequest("version", "The 'version' part is missing"));
                  }
                  checkAllSent(plan.get(), stored);
                  return commit(caller, plan.get(), stored);
                }));
  }

  private CreateVersion readVersion(String value) {
    CreateVersion request;
    try {
      request = json.readValue(value, CreateVersion.class);
    } catch (JsonProcessingException e) {
      throw CapsuleErrors.badRequest(
          "version",
          "The 'version' part is not a valid version request: " + e.getOriginalMessage());
    }
    Set<ConstraintViolation<CreateVersion>> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      ConstraintViolation<CreateVersion> v =
          violations.stream()
              .min(Comparator.comparing(x -> x.getPropertyPath().toString()))
              .orElseThrow();
      throw CapsuleErrors.invalid(
          v.getPropertyPath().toString(), v.getPropertyPath() + " " + v.getMessage());
    }
    if (request.files() != null && !request.files().isEmpty()) {
      throw CapsuleErrors.invalid(
          "files", "In a multipart request the files are sent as 'file' parts, not in 'files'");
    }
    return request;
  }

  private static byte[] decode(String field, VersionBodies.FileContent f) {
    String encoding = f.encoding() == null ? "utf-8" : f.encoding();
    if (encoding.equals("base64")) {
      try {
        return Base64.getDecoder().decode(f.content());
      } catch (IllegalArgumentException e) {
        throw CapsuleErrors.invalid(
            field, "content of " + VersionNames.printable(f.path()) + " is not valid base64");
      }
    }
    return f.content().getBytes(StandardCharsets.UTF_8);
  }

  /** A stream that fails once all the request's files together pass {@link #MAX_UPLOAD_BYTES}. */
  private static final class Bounded extends FilterInputStream {

    private final AtomicLong total;

    Bounded(InputStream in, AtomicLong total) {
      super(in);
      this.total = total;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) throws IOException {
      if (total.addAndGet(n) > MAX_UPLOAD_BYTES) {
        throw new TooLarge();
      }
    }
  }

  /** The upload passed {@link #MAX_UPLOAD_BYTES}. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super("upload larger than " + MAX_UPLOAD_BYTES + " bytes");
    }
  }

  private static boolean tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TooLarge) {
        return true;
      }
    }
    return false;
  }

  private static ApiException tooLargeError() {
    return new ApiException(
        HttpStatus.PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        "A version request may carry at most " + MAX_UPLOAD_BYTES + " bytes of files");
  }

  // ---------------------------------------------------------------- step 3: the version

  /**
   * The new file set (the parent's, minus deleted paths, plus the stored files) stored as a
   * manifest, then the version inserted and the branch moved in one transaction.
   */
  Mono<VersionBodies.Created> commit(Caller caller, Plan plan, Map<String, Stored> stored) {
    Map<String, FileManifest.Entry> files = new TreeMap<>(plan.parentFiles());
    plan.declared().values().stream()
        .filter(c -> c.type().equals("deleted"))
        .forEach(c -> files.remove(c.path()));
    stored.forEach(
        (path, s) ->
            files.put(
                path, new FileManifest.Entry(path, s.address().sha256(), s.address().size())));
    FileManifest manifest = FileManifest.of(files.values());
    return Mono.fromCallable(() -> manifest.store(blobs))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(key -> insert(caller, plan, manifest, key));
  }

  private Mono<VersionBodies.Created> insert(
      Caller caller, Plan plan, FileManifest manifest, String manifestKey) {
    String capsuleId = plan.capsule().id();
    String versionId = "ver-" + UUID.randomUUID();
    String parentId = plan.parent().id();
    String digest = manifest.digest();
    Mono<VersionBodies.Created> work =
        db.sql("SELECT id FROM capsules WHERE id = :capsule FOR UPDATE")
            .bind("capsule", capsuleId)
            .fetch()
            .rowsUpdated()
            .then(
                db.sql(
                        "SELECT head_version_id FROM capsule_branches"
                            + " WHERE capsule_id = :capsule AND name = :branch FOR UPDATE")
                    .bind("capsule", capsuleId)
                    .bind("branch", plan.branch())
                    .map(row -> row.get("head_version_id", String.class))
                    .one()
                    .defaultIfEmpty(""))
            .flatMap(
                head -> {
                  if (!head.equals(parentId)) {
                    return Mono.error(stale(plan.branch(), parentId, head));
                  }
                  return db.sql(
                          "INSERT INTO capsule_versions (id, capsule_id, number, parent_id, branch,"
                              + " author, message, manifest_sha256, manifest_key, file_count,"
                              + " total_size_bytes, changes, created_by)"
                              + " SELECT :id, :capsule, COALESCE(MAX(number), 0) + 1, :parent,"
                              + " :branch, :author, :message, :digest, :key, :files, :bytes,"
                              + " :changes, :caller FROM capsule_versions WHERE capsule_id ="
                              + " :capsule RETURNING number, created_at")
                      .bind("id", versionId)
                      .bind("capsule", capsuleId)
                      .bind("parent", parentId)
                      .bind("branch", plan.branch())
                      .bind("author", plan.author())
                      .bind("message", plan.message())
                      .bind("digest", digest)
                      .bind("key", manifestKey)
                      .bind("files", manifest.entries().size())
                      .bind("bytes", manifest.totalBytes())
                      .bind("changes", Json.of(toJson(plan.changes())))
                      .bind("caller", caller.userId())
                      .map(
                          row ->
                              new Object[] {
                                row.get("number", Integer.class),
                                row.get("created_at", OffsetDateTime.class)
                              })
                      .one();
                })
            .flatMap(
                inserted ->
                    db.sql(
                            "UPDATE capsule_branches SET head_version_id = :id, updated_at = now()"
                                + " WHERE capsule_id = :capsule AND name = :branch"
                                + " AND head_version_id = :parent")
                        .bind("id", versionId)
                        .bind("capsule", capsuleId)
                        .bind("branch", plan.branch())
                        .bind("parent", parentId)
                        .fetch()
                        .rowsUpdated()
                        .flatMap(
                            n ->
                                n == 1
                                    ? Mono.just(inserted)
                                    : Mono.error(
                                        stale(plan.branch(), parentId, "another version"))))
            .flatMap(
                inserted ->
                    mainMoved(plan, manifest, manifestKey)
                        .then(event(plan, versionId, (Integer) inserted[0], digest))
                        .thenReturn(
                            new VersionBodies.Created(
                                versionId,
                                capsuleId,
                                (Integer) inserted[0],
                                parentId,
                                plan.author(),
                                plan.message(),
                                ((OffsetDateTime) inserted[1]).toInstant().toString(),
                                plan.changes().size(),
                                plan.branch(),
                                digest,
                                manifest.entries().size(),
                                manifest.totalBytes())));
    return tx.transactional(work)
        .onErrorMap(
            DataIntegrityViolationException.class,
            e -> stale(plan.branch(), parentId, "a concurrent version"));
  }

  /**
   * When {@code main} moves, the capsule row follows (its manifest, file count and size): builds,
   * analyses and {@code GET /capsule/{id}} work on the head of main.
   */
  private Mono<Void> mainMoved(Plan plan, FileManifest manifest, String manifestKey) {
    if (!plan.branch().equals("main")) {
      return Mono.empty();
    }
    return db.sql(
            "UPDATE capsules SET manifest_key = :key, file_count = :files,"
                + " total_size_bytes = :bytes, updated_at = now() WHERE id = :capsule")
        .bind("key", manifestKey)
        .bind("files", manifest.entries().size())
        .bind("bytes", manifest.totalBytes())
        .bind("capsule", plan.capsule().id())
        .then();
  }

  /**
   * {@code version.created} for webhooks: an outbox row of {@code capsule_events} (one per version,
   * migration V8_1), to the capsule's webhook URL when it has one.
   */
  private Mono<Void> event(Plan plan, String versionId, int number, String digest) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("capsule_id", plan.capsule().id());
    data.put("version_id", versionId);
    data.put("version_number", number);
    data.put("parent_version", plan.parent().id());
    data.put("branch", plan.branch());
    data.put("author", plan.author());
    data.put("manifest_sha256", digest);
    data.put("changes_count", plan.changes().size());
    return db.sql(
            "INSERT INTO capsule_events (id, capsule_id, event, payload, webhook_url, version_id)"
                + " SELECT :id, c.id, 'version.created', :payload, c.webhook_url, :version"
                + " FROM capsules c WHERE c.id = :capsule")
        .bind(
            "id",
            UUID.nameUUIDFromBytes(
                ("version.created:" + versionId).getBytes(StandardCharsets.UTF_8)))
        .bind("payload", Json.of(toJson(data)))
        .bind("version", versionId)
        .bind("capsule", plan.capsule().id())
        .then();
  }

  // ---------------------------------------------------------------- branches and tags

  /** capsules-api.md §9: 409 {@code BRANCH_EXISTS}, 404 for an unknown {@code from_version}. */
  Mono<VersionBodies.BranchCreated> branch(
      Caller caller, String capsuleId, VersionBodies.CreateBranch request) {
    String name = VersionNames.checkRef("branch_name", request.branchName());
    String author = request.author() == null ? caller.username() : request.author().trim();
    return versions
        .resolve(caller, capsuleId, request.fromVersion())
        .flatMap(
            from ->
                db.sql(
                        "INSERT INTO capsule_branches (capsule_id, name, head_version_id,"
                            + " from_version_id, author) VALUES (:capsule, :name, :from, :from,"
                            + " :author) ON CONFLICT DO NOTHING RETURNING created_at")
                    .bind("capsule", capsuleId)
                    .bind("name", name)
                    .bind("from", from.version().id())
                    .bind("author", author)
                    .map(row -> row.get("created_at", OffsetDateTime.class))
                    .one()
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                CapsuleErrors.conflict(
                                    "BRANCH_EXISTS",
                                    "Branch "
                                        + VersionNames.printable(name)
                                        + " of capsule "
                                        + capsuleId
                                        + " exists")))
                    .map(
                        at ->
                            new VersionBodies.BranchCreated(
                                capsuleId,
                                name,
                                from.version().id(),
                                from.version().id(),
                                author,
                                at.toInstant().toString())));
  }

  /** capsules-api.md §10: 409 {@code TAG_EXISTS}, 404 for an unknown version. */
  Mono<VersionBodies.TagCreated> tag(
      Caller caller, String capsuleId, String versionId, String tag, String author) {
    String name = VersionNames.checkRef("tag", tag);
    String by = author == null || author.isBlank() ? caller.username() : author.trim();
    return versions
        .resolve(caller, capsuleId, versionId)
        .flatMap(
            v ->
                db.sql(
                        "INSERT INTO capsule_tags (capsule_id, name, version_id, author)"
                            + " VALUES (:capsule, :name, :version, :author)"
                            + " ON CONFLICT DO NOTHING RETURNING created_at")
                    .bind("capsule", capsuleId)
                    .bind("name", name)
                    .bind("version", v.version().id())
                    .bind("author", by)
                    .map(row -> row.get("created_at", OffsetDateTime.class))
                    .one()
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                CapsuleErrors.conflict(
                                    "TAG_EXISTS",
                                    "Tag "
                                        + VersionNames.printable(name)
                                        + " of capsule "
                                        + capsuleId
                                        + " exists")))
                    .map(
                        at ->
                            new VersionBodies.TagCreated(
                                capsuleId,
                                name,
                                v.version().id(),
                                v.version().number(),
                                by,
                                at.toInstant().toString())));
  }

  // ---------------------------------------------------------------- helpers

  static ApiException branchNotFound(String capsuleId, String branch) {
    return new ApiException(
        HttpStatus.NOT_FOUND,
        "BRANCH_NOT_FOUND",
        "Branch " + VersionNames.printable(branch) + " of capsule " + capsuleId + " not found");
  }

  static ApiException stale(String branch, String parent, String head) {
    return CapsuleErrors.conflict(
        "STALE_PARENT",
        "parent_version "
            + parent
            + " is not the head of branch "
            + VersionNames.printable(branch)
            + " (the head is "
            + head
            + "): fetch the history and create the version on the new head");
  }

  private static Map<String, FileManifest.Entry> byPath(FileManifest manifest) {
    Map<String, FileManifest.Entry> files = new TreeMap<>();
    manifest.entries().forEach(e -> files.put(e.path(), e));
    return files;
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
