package dev.shipyard.storage;

/**
 * What a store knows about one object.
 *
 * @param key the object's key
 * @param size its length in bytes
 * @param contentType its media type as stored (may be null)
 */
public record BlobInfo(String key, long size, String contentType) {}
