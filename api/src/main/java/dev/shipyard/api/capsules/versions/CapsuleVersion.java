package dev.shipyard.api.capsules.versions;

import java.time.OffsetDateTime;

/**
 * A row of {@code capsule_versions}: one immutable version of a capsule's files.
 *
 * @param id {@code ver-<uuid>}
 * @param number increases per capsule, from 1 (the generated capsule)
 * @param parentId the version it was made from; null for version 1
 * @param branch the branch it was created on
 * @param manifestSha256 the digest of its {@link dev.shipyard.storage.FileManifest}
 * @param manifestKey where that manifest is stored
 */
public record CapsuleVersion(
    String id,
    String capsuleId,
    int number,
    String parentId,
    String branch,
    String author,
    String message,
    String manifestSha256,
    String manifestKey,
    int fileCount,
    long totalSizeBytes,
    OffsetDateTime createdAt) {}
