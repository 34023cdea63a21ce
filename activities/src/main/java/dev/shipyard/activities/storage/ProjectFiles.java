package dev.shipyard.activities.storage;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.capsules.FileSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Generated projects in object storage: each file a content-addressed blob ({@code
 * blobs/sha256/<hex>}), each file set a {@link FileManifest} ({@code manifests/sha256/<hex>.json}).
 * Saving the same files twice writes nothing new.
 */
public class ProjectFiles {

  private final BlobStore blobs;

  public ProjectFiles(BlobStore blobs) {
    this.blobs = blobs;
  }

  public static String blobKey(String sha256) {
    return BlobStore.contentKey(sha256);
  }

  public FileSet save(List<SourceFile> files) {
    List<FileManifest.Entry> entries = new ArrayList<>();
    for (SourceFile file : files) {
      byte[] bytes = file.content().getBytes(StandardCharsets.UTF_8);
      String digest = sha256(bytes);
      blobs.putIfAbsent(blobKey(digest), bytes, "text/plain; charset=utf-8");
      entries.add(new FileManifest.Entry(file.path(), digest, bytes.length));
    }
    FileManifest manifest;
    try {
      manifest = FileManifest.of(entries);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Generated files: " + e.getMessage(), e);
    }
    String key = manifest.store(blobs);
    return new FileSet(
        key, manifest.digest(), entries.size(), manifest.totalBytes(), manifest.paths());
  }

  public List<SourceFile> load(FileSet set) {
    return load(set.manifestKey());
  }

  public List<SourceFile> load(String manifestKey) {
    List<SourceFile> files = new ArrayList<>();
    for (FileManifest.Entry entry : FileManifest.load(blobs, manifestKey).entries()) {
      byte[] bytes =
          blobs
              .get(entry.blobKey())
              .orElseThrow(() -> new IllegalStateException("Missing blob for " + entry.path()));
      if (!sha256(bytes).equals(entry.sha256())) {
        throw new IllegalStateException("Blob of " + entry.path() + " does not match its digest");
      }
      files.add(new SourceFile(entry.path(), new String(bytes, StandardCharsets.UTF_8)));
    }
    return files;
  }

  public static String sha256(byte[] bytes) {
    return FileManifest.sha256(bytes);
  }
}
