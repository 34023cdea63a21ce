package dev.shipyard.activities.capsules.batch;

import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.storage.BlobInfo;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.storage.archive.ArchiveIntegrityException;
import dev.shipyard.storage.archive.ArchivePathException;
import dev.shipyard.storage.archive.ArchiveWriter;
import dev.shipyard.workflows.capsules.batch.BatchExportFailure;
import dev.shipyard.workflows.capsules.batch.CapsuleBatchExportActivities;
import dev.shipyard.workflows.capsules.batch.ExportItemRequest;
import dev.shipyard.workflows.capsules.batch.ExportItemResult;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The export step of a batch: the capsule must be visible to the caller (the scope condition of the
 * API's capsule queries, here in SQL over JDBC), the version is resolved (head of {@code main}
 * unless named), and {@link ArchiveWriter} streams the archive through a pipe straight into {@link
 * BlobStore#put} with {@link BlobStore#UNKNOWN_LENGTH}: memory is the pipe's buffer plus one upload
 * part, whatever the capsule's size. The archive is reproducible, so a retried step writes the same
 * bytes under the same key. Heartbeats through {@link Heartbeats}; a cancel interrupts the upload,
 * which closes the pipe and stops the writer.
 */
public class CapsuleBatchExportActivitiesImpl implements CapsuleBatchExportActivities {

  /** The pipe between the archive writer and the upload. */
  static final int PIPE_BUFFER = 1024 * 1024;

  private final BlobStore blobs;
  private final JdbcTemplate jdbc;
  private final ArchiveWriter writer;
  private final ExecutorService writers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "batch-export-archive-writer");
            t.setDaemon(true);
            return t;
          });

  public CapsuleBatchExportActivitiesImpl(BlobStore blobs, JdbcTemplate jdbc) {
    this.blobs = blobs;
    this.jdbc = jdbc;
    this.writer = new ArchiveWriter(blobs);
  }

  /** The version a step exports. */
  record Version(String id, String manifestKey, String manifestSha256) {}

  @Override
  public ExportItemResult exportCapsule(ExportItemRequest request) {
    try {
      return Heartbeats.during("exporting " + request.capsuleId(), () -> export(request));
    } catch (ActivityCompletionException | ApplicationFailure e) {
      throw e;
    } catch (ArchiveIntegrityException e) {
      throw failure(BatchExportFailure.VERSION_FILES_MISSING, e);
    } catch (ArchivePathException e) {
      throw failure(BatchExportFailure.UNARCHIVABLE_PATHS, e);
    } catch (Exception e) {
      throw failure(BatchExportFailure.EXPORT_FAILED, e);
    }
  }

  private ExportItemResult export(ExportItemRequest request) throws Exception {
    ArchiveFormat format =
        ArchiveFormat.fromExtension(request.format())
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "Unknown archive format " + request.format(),
                        BatchExportFailure.UNARCHIVABLE_PATHS.name()));
    if (!visible(request)) {
      return ExportItemResult.notFound(request.capsuleId());
    }
    Optional<Version> version = version(request.capsuleId(), request.versionId());
    if (version.isEmpty()) {
      return ExportItemResult.failed(
          request.capsuleId(),
          request.versionId() == null
              ? "Capsule " + request.capsuleId() + " has no stored version"
              : "Version "
                  + request.versionId()
                  + " of capsule "
                  + request.capsuleId()
                  + " not found");
    }
    FileManifest manifest = manifest(version.get());
    ArchiveWriter.items(manifest); // refuses unarchivable paths before anything is uploaded
    Written written = upload(manifest, format, request.objectKey());
    return ExportItemResult.success(
        request.capsuleId(),
        version.get().id(),
        written.size(),
        written.sha256(),
        request.objectKey());
  }

  /** Whether the caller may see the capsule: theirs, or their tenant's when they are an admin. */
  private boolean visible(ExportItemRequest request) {
    UUID caller;
    try {
      caller = UUID.fromString(request.userId());
    } catch (IllegalArgumentException e) {
      return false;
    }
    List<String> found =
        jdbc.queryForList(
            "SELECT id FROM capsules WHERE id = ? AND tenant_id = ? AND (? OR owner_id = ?)",
            String.class,
            request.capsuleId(),
            request.tenantId(),
            request.wholeTenant(),
            caller);
    return !found.isEmpty();
  }

  private Optional<Version> version(String capsuleId, String versionId) {
    List<Version> found =
        versionId == null
            ? jdbc.query(
                "SELECT v.id, v.manifest_key, v.manifest_sha256 FROM capsule_branches b"
                    + " JOIN capsule_versions v ON v.id = b.head_version_id"
                    + " WHERE b.capsule_id = ? AND b.name = 'main'",
                (rs, i) -> new Version(rs.getString(1), rs.getString(2), rs.getString(3)),
                capsuleId)
            : jdbc.query(
                "SELECT id, manifest_key, manifest_sha256 FROM capsule_versions"
                    + " WHERE capsule_id = ? AND id = ?",
                (rs, i) -> new Version(rs.getString(1), rs.getString(2), rs.getString(3)),
                capsuleId,
                versionId);
    return found.stream().findFirst();
  }

  /** The version's manifest, checked against its digest. */
  private FileManifest manifest(Version version) {
    byte[] bytes =
        blobs
            .get(version.manifestKey())
            .orElseThrow(
                () -> new ArchiveIntegrityException("Missing manifest " + version.manifestKey()));
    if (!FileManifest.sha256(bytes).equals(version.manifestSha256())) {
      throw new ArchiveIntegrityException(
          "Manifest " + version.manifestKey() + " does not match its digest");
    }
    return FileManifest.parse(bytes);
  }

  /** The archive's length and SHA-256, as written. */
  record Written(long size, String sha256) {}

  /**
   * Writes the archive on a writer thread into a pipe and uploads what comes out of it on this
   * thread. A writer failure reaches the upload as a read failure, so a broken archive is never
   * stored as if whole (the store aborts the upload); an upload failure closes the pipe, which
   * stops the writer.
   */
  Written upload(FileManifest manifest, ArchiveFormat format, String key) throws Exception {
    MessageDigest sha256 = sha256();
    AtomicLong size = new AtomicLong();
    PipedInputStream pipeIn = new PipedInputStream(PIPE_BUFFER);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    CompletableFuture<Void> writerDone = new CompletableFuture<>();
    Future<?> writing =
        writers.submit(
            () -> {
              try (OutputStream out = new DigestOutputStream(new Counting(pipeOut, size), sha256)) {
                writer.write(manifest, format, out);
                writerDone.complete(null);
              } catch (Throwable e) {
                writerDone.completeExceptionally(e);
              }
            });
    BlobInfo stored;
    try (InputStream in = new WriterChecked(pipeIn, writerDone)) {
      stored = blobs.put(key, in, BlobStore.UNKNOWN_LENGTH, format.contentType());
    } finally {
      pipeIn.close(); // the writer, if still writing, fails at its next write and ends
      writing.cancel(true);
    }
    try {
      writerDone.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    if (stored.size() != size.get()) {
      throw new IllegalStateException(
          "Stored " + stored.size() + " bytes of " + key + " but wrote " + size.get());
    }
    return new Written(size.get(), HexFormat.of().formatHex(sha256.digest()));
  }

  /** The pipe's read end: at its end, the writer's failure (if any) becomes a read failure. */
  private static final class WriterChecked extends FilterInputStream {
    private final CompletableFuture<Void> writerDone;

    WriterChecked(InputStream in, CompletableFuture<Void> writerDone) {
      super(in);
      this.writerDone = writerDone;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      return b < 0 ? end() : b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      return n < 0 ? end() : n;
    }

    private int end() throws IOException {
      try {
        writerDone.get();
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while the archive was written");
      } catch (ExecutionException e) {
        throw new IOException("The archive could not be written: " + e.getCause().getMessage());
      }
    }
  }

  /** Counts the bytes written through it. */
  private static final class Counting extends java.io.FilterOutputStream {
    private final AtomicLong count;

    Counting(OutputStream out, AtomicLong count) {
      super(out);
      this.count = count;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count.incrementAndGet();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count.addAndGet(len);
    }
  }

  private static ApplicationFailure failure(BatchExportFailure type, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return type.retryable()
        ? ApplicationFailure.newFailure(message, type.name())
        : ApplicationFailure.newNonRetryableFailure(message, type.name());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
