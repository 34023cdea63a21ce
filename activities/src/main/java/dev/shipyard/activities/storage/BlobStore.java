package dev.shipyard.activities.storage;

import java.util.Optional;

/**
 * Object storage as the activities use it: immutable objects under keys. Content-addressed blobs
 * make writes idempotent (the same bytes always land under the same key).
 */
public interface BlobStore {

  /** Stores {@code bytes} under {@code key} unless an object is already there. */
  void putIfAbsent(String key, byte[] bytes, String contentType);

  Optional<byte[]> get(String key);
}
