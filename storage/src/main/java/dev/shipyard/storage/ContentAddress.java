package dev.shipyard.storage;

/**
 * Where a content-addressed blob lives: {@code blobs/sha256/<hex>}.
 *
 * @param key the object's key ({@link BlobStore#contentKey(String)})
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 * @param size its length in bytes
 */
public record ContentAddress(String key, String sha256, long size) {}
