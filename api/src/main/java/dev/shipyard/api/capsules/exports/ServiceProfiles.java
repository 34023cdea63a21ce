package dev.shipyard.api.capsules.exports;

import dev.shipyard.api.capsules.CapsuleErrors;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.S3AsyncBlobReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Builds the {@link ServiceProfile} of a version for the exporters: its manifest, then the two
 * small files that say how it runs ({@code Dockerfile}, {@code .env.example}), read from object
 * storage without blocking. Only those files are read, whatever the size of the capsule.
 */
@Component
class ServiceProfiles {

  /** A Dockerfile or .env.example larger than this is not a Dockerfile we can use. */
  static final long MAX_TEXT_BYTES = 256 * 1024;

  private final CapsuleVersions versions;
  private final S3AsyncBlobReader blobs;
  private final DatabaseClient db;

  ServiceProfiles(CapsuleVersions versions, S3AsyncBlobReader blobs, DatabaseClient db) {
    this.versions = versions;
    this.blobs = blobs;
    this.db = db;
  }

  Mono<ServiceProfile> of(ResolvedVersion resolved) {
    return versions
        .manifest(resolved.version())
        .flatMap(
            manifest ->
                Mono.zip(
                        text(manifest, "Dockerfile"),
                        text(manifest, ".env.example"),
                        planName(resolved.capsule().id()))
                    .map(
                        found ->
                            ServiceProfile.of(
                                resolved,
                                manifest,
                                found.getT1().orElse(null),
                                found.getT2().orElse(null),
                                found.getT3().orElse(null))));
  }

  /** The project name the engine's plan chose (the capsules row keeps the plan as JSON). */
  private Mono<Optional<String>> planName(String capsuleId) {
    return db.sql("SELECT plan->>'projectName' AS name FROM capsules WHERE id = :id")
        .bind("id", capsuleId)
        .map(row -> Optional.ofNullable(row.get("name", String.class)))
        .one()
        .defaultIfEmpty(Optional.empty());
  }

  private Mono<Optional<String>> text(FileManifest manifest, String path) {
    Optional<FileManifest.Entry> entry =
        manifest.entries().stream().filter(e -> e.path().equals(path)).findFirst();
    if (entry.isEmpty()) {
      return Mono.just(Optional.empty());
    }
    if (entry.get().size() > MAX_TEXT_BYTES) {
      return Mono.error(
          CapsuleErrors.invalid(
              "version_id",
              "The version's " + path + " is larger than " + MAX_TEXT_BYTES + " bytes"));
    }
    String key = entry.get().blobKey();
    return Mono.fromFuture(() -> blobs.open(key))
        .flatMap(
            download ->
                download
                    .map(d -> Flux.from(d.body()).collectList())
                    .orElseGet(() -> Mono.error(new IllegalStateException("Missing blob " + key))))
        .map(
            parts -> {
              int size = parts.stream().mapToInt(ByteBuffer::remaining).sum();
              ByteBuffer all = ByteBuffer.allocate(size);
              parts.forEach(p -> all.put(p.duplicate()));
              return Optional.of(new String(all.array(), StandardCharsets.UTF_8));
            });
  }
}
