package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * A generated project as stored in object storage: a manifest (path → sha256 of a content-addressed
 * blob) under {@code manifestKey}. Workflows pass this reference, never the files, and never more
 * than {@link #MAX_PATHS} paths: the manifest has them all.
 *
 * @param manifestKey the object key of the manifest JSON
 * @param digest sha256 of the manifest, identifying this exact set of files
 * @param fileCount number of files
 * @param totalBytes total size of the files
 * @param paths the first file paths, sorted (all of them when there are at most {@link #MAX_PATHS})
 */
public record FileSet(
    String manifestKey, String digest, int fileCount, long totalBytes, List<String> paths) {

  /** The most paths a file set carries in workflow payloads. */
  public static final int MAX_PATHS = 50;

  /** This file set with at most {@link #MAX_PATHS} paths: what activities return to workflows. */
  public FileSet bounded() {
    return paths.size() <= MAX_PATHS
        ? this
        : new FileSet(
            manifestKey, digest, fileCount, totalBytes, List.copyOf(paths.subList(0, MAX_PATHS)));
  }
}
