package dev.shipyard.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of files in object storage: path → (sha256, size) of a content-addressed blob ({@link
 * BlobStore#contentKey}). Its canonical bytes are the JSON object of its entries sorted by path,
 * each {@code {"sha256":"<hex>","size":<n>}}, no whitespace; its {@link #digest()} is the SHA-256
 * of those bytes and it is stored under {@code manifests/sha256/<digest>.json} ({@link #key()}).
 * Generated capsules, capsule versions, archives and signatures all name a file set by this one
 * digest: the same files give the same manifest, the same bytes and the same digest everywhere.
 *
 * @param entries the files, sorted by path, paths unique
 */
public record FileManifest(List<Entry> entries) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Map<String, Object>>> SHAPE =
      new TypeReference<>() {};

  /**
   * One file.
   *
   * @param path its path in the file set ({@code src/main.py}; checked by whoever accepts paths)
   * @param sha256 lower-case hex SHA-256 of its bytes: the blob is {@code blobs/sha256/<sha256>}
   * @param size its length in bytes
   */
  public record Entry(String path, String sha256, long size) {

    /** The object key of this file's bytes. */
    public String blobKey() {
      return BlobStore.contentKey(sha256);
    }
  }

  public FileManifest {
    TreeMap<String, Entry> sorted = new TreeMap<>();
    for (Entry e : entries) {
      if (sorted.put(e.path(), e) != null) {
        throw new IllegalArgumentException("Duplicate path in manifest: " + e.path());
      }
    }
    entries = List.copyOf(sorted.values());
  }

  public static FileManifest of(Collection<Entry> entries) {
    return new FileManifest(new ArrayList<>(entries));
  }

  /** The manifest whose canonical bytes these are (any JSON of the same shape is accepted). */
  public static FileManifest parse(byte[] bytes) {
    Map<String, Map<String, Object>> raw;
    try {
      raw = JSON.readValue(bytes, SHAPE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Entry> entries = new ArrayList<>(raw.size());
    raw.forEach(
        (path, e) ->
            entries.add(
                new Entry(path, (String) e.get("sha256"), ((Number) e.get("size")).longValue())));
    return new FileManifest(entries);
  }

  /** The canonical bytes (what {@link #digest()} hashes, what is stored and signed). */
  public byte[] bytes() {
    Map<String, Map<String, Object>> raw = new TreeMap<>();
    for (Entry e : entries) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("sha256", e.sha256());
      entry.put("size", e.size());
      raw.put(e.path(), entry);
    }
    try {
      return JSON.writeValueAsBytes(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 of {@link #bytes()}, lower-case hex. */
  public String digest() {
    return sha256(bytes());
  }

  /** Where this manifest is stored: {@code manifests/sha256/<digest>.json}. */
  public String key() {
    return keyOf(digest());
  }

  /** The key of the manifest with this digest. */
  public static String keyOf(String digest) {
    return "manifests/sha256/" + digest + ".json";
  }

  public long totalBytes() {
    return entries.stream().mapToLong(Entry::size).sum();
  }

  public List<String> paths() {
    return entries.stream().map(Entry::path).toList();
  }

  /** Writes the manifest under {@link #key()} unless it is there, and returns that key. */
  public String store(BlobStore blobs) {
    byte[] bytes = bytes();
    String key = keyOf(sha256(bytes));
    blobs.putIfAbsent(key, bytes, "application/json");
    return key;
  }

  /** The manifest stored under {@code key}, or an exception when there is none. */
  public static FileManifest load(BlobStore blobs, String key) {
    return parse(
        blobs.get(key).orElseThrow(() -> new IllegalStateException("Missing manifest " + key)));
  }

  /** SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
