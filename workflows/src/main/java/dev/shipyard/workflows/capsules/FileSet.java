package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * A generated project as stored in object storage: a manifest (path → sha256 of a content-addressed
 * blob) under {@code manifestKey}. Workflows pass this reference, never the files.
 *
 * @param manifestKey the object key of the manifest JSON
 * @param digest sha256 of the manifest, identifying this exact set of files
 * @param fileCount number of files
 * @param totalBytes total size of the files
 * @param paths the file paths, sorted
 */
public record FileSet(
    String manifestKey, String digest, int fileCount, long totalBytes, List<String> paths) {}
