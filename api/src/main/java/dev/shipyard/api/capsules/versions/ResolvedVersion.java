package dev.shipyard.api.capsules.versions;

import dev.shipyard.api.capsules.CapsuleRecord;

/** A version of a capsule the caller may see, with its capsule. */
public record ResolvedVersion(CapsuleRecord capsule, CapsuleVersion version) {}
