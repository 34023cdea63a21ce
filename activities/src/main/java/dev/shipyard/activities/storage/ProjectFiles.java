package dev.shipyard.activities.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.capsules.FileSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generated projects in object storage: each file a content-addressed blob ({@code
 * blobs/sha256/<hex>}), each file set a manifest ({@code manifests/sha256/<hex>.json}) mapping
 * paths to blob digests. Saving the same files twice writes nothing new.
 */
public class ProjectFiles {

  private static final TypeReference<Map<String, Map<String, Object>>> MANIFEST =
      new TypeReference<>() {};

  private final BlobStore blobs;
  private final ObjectMapper json = new ObjectMapper();

  public ProjectFiles(BlobStore blobs) {
    this.blobs = blobs;
  }

  public static String blobKey(String sha256) {
    return "blobs/sha256/" + sha256;
  }

  public FileSet save(List<SourceFile> files) {
    Map<String, Map<String, Object>> manifest = new TreeMap<>();
    long total = 0;
    for (SourceFile file : files) {
      byte[] bytes = file.content().getBytes(StandardCharsets.UTF_8);
      String digest = sha256(bytes);
      blobs.putIfAbsent(blobKey(digest), bytes, "text/plain; charset=utf-8");
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("sha256", digest);
      entry.put("size", bytes.length);
      if (manifest.put(file.path(), entry) != null) {
        throw new IllegalArgumentException("Duplicate path in generated files: " + file.path());
      }
      total += bytes.length;
    }
    byte[] manifestBytes;
    try {
      manifestBytes = json.writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String digest = sha256(manifestBytes);
    String key = "manifests/sha256/" + digest + ".json";
    blobs.putIfAbsent(key, manifestBytes, "application/json");
    return new FileSet(key, digest, manifest.size(), total, new ArrayList<>(manifest.keySet()));
  }

  public List<SourceFile> load(FileSet set) {
    return load(set.manifestKey());
  }

  public List<SourceFile> load(String manifestKey) {
    byte[] manifestBytes =
        blobs
            .get(manifestKey)
            .orElseThrow(() -> new IllegalStateException("Missing manifest " + manifestKey));
    Map<String, Map<String, Object>> manifest;
    try {
      manifest = json.readValue(manifestBytes, MANIFEST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<SourceFile> files = new ArrayList<>();
    manifest.forEach(
        (path, entry) -> {
          String digest = (String) entry.get("sha256");
          byte[] bytes =
              blobs
                  .get(blobKey(digest))
                  .orElseThrow(() -> new IllegalStateException("Missing blob for " + path));
          if (!sha256(bytes).equals(digest)) {
            throw new IllegalStateException("Blob of " + path + " does not match its digest");
          }
          files.add(new SourceFile(path, new String(bytes, StandardCharsets.UTF_8)));
        });
    return files;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
