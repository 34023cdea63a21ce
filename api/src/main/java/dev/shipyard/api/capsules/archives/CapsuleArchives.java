package dev.shipyard.api.capsules.archives;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.storage.archive.ArchivePathException;
import dev.shipyard.storage.archive.ArchiveWriter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Builds capsule archives on the fly: the version's manifest is read without blocking, its paths
 * are checked before anything is answered (so a refusal is still a clean 4xx), then the {@link
 * ArchiveWriter} runs on {@code Schedulers.boundedElastic()} into {@link
 * DataBufferUtils#outputStreamPublisher}, which hands the client chunks of at most {@code
 * chunk_size} bytes and blocks the writer while the client reads nothing. Heap use is therefore a
 * few chunks and the writer's buffers per stream, whatever the capsule's size; a client that
 * disconnects cancels the publisher and the writer's next write fails, which closes the blob it was
 * reading.
 *
 * <p>Observable as {@code shipyard.capsules.archive.streams} (archives being written now) and
 * {@code shipyard.capsules.archive.bytes} (archive bytes handed to clients).
 */
@Component
public class CapsuleArchives {

  /** The smallest, default and largest {@code chunk_size}. */
  public static final int MIN_CHUNK = 1024;

  public static final int DEFAULT_CHUNK = 8192;
  public static final int MAX_CHUNK = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(CapsuleArchives.class);
  private static final DataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;
  private static final Executor WRITERS = task -> Schedulers.boundedElastic().schedule(task);

  private final CapsuleVersions versions;
  private final ArchiveWriter writer;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();

  CapsuleArchives(CapsuleVersions versions, BlobStore blobs, ObjectProvider<MeterRegistry> meters) {
    this.versions = versions;
    this.writer = new ArchiveWriter(blobs);
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      Gauge.builder("shipyard.capsules.archive.streams", open, AtomicInteger::get)
          .description("capsule archives being written to clients by this API instance")
          .register(registry);
      FunctionCounter.builder("shipyard.capsules.archive.bytes", bytes, AtomicLong::doubleValue)
          .description("capsule archive bytes written to clients by this API instance")
          .register(registry);
    }
  }

  /** The {@code format} request value as a format, or 400 listing the formats. */
  public static ArchiveFormat format(String field, String value) {
    return ArchiveFormat.fromExtension(value)
        .orElseThrow(
            () ->
                CapsuleErrors.badRequest(
                    field,
                    "Unsupported archive format '"
                        + value
                        + "'; supported: "
                        + String.join(", ", ArchiveFormat.names())));
  }

  /**
   * The {@code chunk_size} request value, or 400 outside {@value #MIN_CHUNK}..{@value #MAX_CHUNK}.
   */
  public static int chunkSize(String field, String value) {
    if (value == null) {
      return DEFAULT_CHUNK;
    }
    int size;
    try {
      size = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      size = -1;
    }
    if (size < MIN_CHUNK || size > MAX_CHUNK) {
      throw CapsuleErrors.badRequest(
          field, field + " must be a whole number of bytes from " + MIN_CHUNK + " to " + MAX_CHUNK);
    }
    return size;
  }

  /**
   * The archive of {@code version}: fails (before any byte) with 422 when a path of its manifest
   * cannot be archived; its body starts writing when the client subscribes.
   */
  public Mono<CapsuleArchive> archive(ResolvedVersion version, ArchiveFormat format, int chunk) {
    return versions
        .manifest(version.version())
        .map(
            manifest -> {
              try {
                ArchiveWriter.items(manifest);
              } catch (ArchivePathException e) {
                throw CapsuleErrors.invalid("manifest", e.getMessage());
              }
              return new CapsuleArchive(
                  version,
                  format,
                  Flux.from(
                      DataBufferUtils.outputStreamPublisher(
                          out -> write(version, manifest, format, out), BUFFERS, WRITERS, chunk)));
            });
  }

  private void write(
      ResolvedVersion version, FileManifest manifest, ArchiveFormat format, OutputStream out) {
    open.incrementAndGet();
    try {
      writer.write(manifest, format, new Counting(out));
    } catch (IOException e) {
      // The client went away (the publisher was cancelled): stop, nothing to answer.
      log.debug("Archive of {} ended early: {}", version.version().id(), e.toString());
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      log.warn(
          "Archive of capsule {} version {} failed: {}",
          version.capsule().id(),
          version.version().id(),
          e.getMessage());
      throw e;
    } finally {
      open.decrementAndGet();
    }
  }

  /** Archives being written now. */
  public int openStreams() {
    return open.get();
  }

  /** Archive bytes handed to clients so far. */
  public long bytesWritten() {
    return bytes.get();
  }

  /** Counts what reaches the client's publisher. */
  private final class Counting extends FilterOutputStream {
    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      bytes.incrementAndGet();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      bytes.addAndGet(len);
    }
  }
}
