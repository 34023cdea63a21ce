package dev.shipyard.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Object storage as the platform uses it: objects under keys, written and read as streams, so an
 * object of any size (5 GB included) passes through a bounded buffer and never sits in memory.
 * Content-addressed blobs ({@link #putContentAddressed}) make writes idempotent: the same bytes
 * always land under the same key.
 *
 * <p>The port names no S3 type: {@link S3BlobStore} is one adapter, an Azure Blob adapter can be
 * another. Every method is blocking (activities run on worker threads); the API reads without
 * blocking through {@link S3AsyncBlobReader}. Failures of the store are unchecked exceptions; a
 * missing key is an empty {@link Optional}, never an exception.
 */
public interface BlobStore {

  /** The {@code length} of {@link #put} when the stream's length is not known in advance. */
  long UNKNOWN_LENGTH = -1;

  /** The key of the content-addressed blob with this SHA-256 (lower-case hex). */
  static String contentKey(String sha256) {
    return "blobs/sha256/" + sha256;
  }

  /**
   * Writes {@code content} (read to its end, not closed) under {@code key}, replacing any object
   * there. Large streams go up in parts; on failure nothing is left under the key and no upload
   * stays open.
   *
   * @param length the stream's length in bytes, or {@link #UNKNOWN_LENGTH}; a stream that turns out
   *     shorter or longer than a given length fails the write
   */
  BlobInfo put(String key, InputStream content, long length, String contentType);

  /**
   * Writes {@code content} (read to its end, not closed) under {@code blobs/sha256/<hex>} of its
   * own SHA-256, computed while streaming. Idempotent: when that blob exists already, nothing
   * changes.
   */
  ContentAddress putContentAddressed(InputStream content, String contentType);

  /** The object's bytes as a stream (the caller closes it), or empty when there is none. */
  Optional<InputStream> open(String key);

  /**
   * At most {@code length} bytes of the object from {@code offset} on, as a stream (the caller
   * closes it); shorter when the object ends first, empty stream when {@code offset} is at or past
   * its end, empty {@link Optional} when there is no object.
   */
  Optional<InputStream> open(String key, long offset, long length);

  /** The object's size and content type, or empty when there is none. */
  Optional<BlobInfo> head(String key);

  /** Deletes the object; deleting a missing key is not an error. */
  void delete(String key);

  default boolean exists(String key) {
    return head(key).isPresent();
  }

  /** Stores {@code bytes} under {@code key} unless an object is already there. */
  default void putIfAbsent(String key, byte[] bytes, String contentType) {
    if (!exists(key)) {
      put(key, new ByteArrayInputStream(bytes), bytes.length, contentType);
    }
  }

  /** The whole object in memory: for small objects only (manifests, source files). */
  default Optional<byte[]> get(String key) {
    return open(key).map(BlobStore::readAll);
  }

  /** A range of the object in memory ({@link #open(String, long, long)}). */
  default Optional<byte[]> get(String key, long offset, long length) {
    return open(key, offset, length).map(BlobStore::readAll);
  }

  /**
   * Copies the object into {@code out} (not closed) and returns the number of bytes copied, or
   * empty when there is no object.
   */
  default Optional<Long> readTo(String key, OutputStream out) {
    return open(key)
        .map(
            in -> {
              try (in) {
                return in.transferTo(out);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
