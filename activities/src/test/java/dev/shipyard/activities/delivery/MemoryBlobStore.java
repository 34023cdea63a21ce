package dev.shipyard.activities.delivery;

import dev.shipyard.storage.BlobInfo;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.ContentAddress;
import dev.shipyard.storage.FileManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Object storage in memory, for delivery tests whose subject is the destination, not the store (the
 * S3 adapter has its own tests against s3proxy). {@link #version} stores files as a capsule version
 * is stored: content-addressed blobs and their manifest.
 */
public final class MemoryBlobStore implements BlobStore {

  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

  /** Stores {@code files} (path → bytes) and returns the version's content. */
  public DeliveryContent version(
      String capsuleId, String versionId, java.time.Instant createdAt, Map<String, byte[]> files) {
    Map<String, FileManifest.Entry> entries = new LinkedHashMap<>();
    files.forEach(
        (path, bytes) -> {
          String sha = FileManifest.sha256(bytes);
          objects.put(BlobStore.contentKey(sha), bytes.clone());
          entries.put(path, new FileManifest.Entry(path, sha, bytes.length));
        });
    FileManifest manifest = FileManifest.of(entries.values());
    manifest.store(this);
    return new DeliveryContent(capsuleId, versionId, "dlv-test", manifest, this, createdAt);
  }

  @Override
  public BlobInfo put(String key, InputStream content, long length, String contentType) {
    try {
      byte[] bytes = content.readAllBytes();
      objects.put(key, bytes);
      return new BlobInfo(key, bytes.length, contentType);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public ContentAddress putContentAddressed(InputStream content, String contentType) {
    try {
      byte[] bytes = content.readAllBytes();
      String sha = FileManifest.sha256(bytes);
      objects.putIfAbsent(BlobStore.contentKey(sha), bytes);
      return new ContentAddress(BlobStore.contentKey(sha), sha, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<InputStream> open(String key) {
    return Optional.ofNullable(objects.get(key)).map(ByteArrayInputStream::new);
  }

  @Override
  public Optional<InputStream> open(String key, long offset, long length) {
    return Optional.ofNullable(objects.get(key))
        .map(
            b -> {
              int from = (int) Math.min(offset, b.length);
              int to = (int) Math.min(b.length, from + length);
              return new ByteArrayInputStream(Arrays.copyOfRange(b, from, to));
            });
  }

  @Override
  public Optional<BlobInfo> head(String key) {
    return Optional.ofNullable(objects.get(key))
        .map(b -> new BlobInfo(key, b.length, "application/octet-stream"));
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }
}
