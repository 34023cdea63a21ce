package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * The outcome of a generation: the stored capsule version and its final validation, bounded (the
 * capsule row and object storage hold the full data).
 *
 * @param capsuleId the capsule
 * @param plan what was built
 * @param files the stored files (manifest reference)
 * @param versionManifestKey the object key of the capsule version's manifest
 * @param validation the last validation, summarised
 * @param iterations every validate round
 */
public record GenerationResult(
    String capsuleId,
    ProjectPlan plan,
    FileSet files,
    String versionManifestKey,
    ValidationSummary validation,
    List<Iteration> iterations) {}
