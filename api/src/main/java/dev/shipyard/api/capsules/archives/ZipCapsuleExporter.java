package dev.shipyard.api.capsules.archives;

import dev.shipyard.api.capsules.exports.CapsuleExporter;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import dev.shipyard.storage.archive.ArchiveFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * capsules-api.md §6 {@code zip}: the same reproducible zip as {@code
 * /capsule/{id}/stream?format=zip} (same bytes, same headers), streamed in chunks of the default
 * size.
 */
@Component
class ZipCapsuleExporter implements CapsuleExporter {

  private final CapsuleArchives archives;

  ZipCapsuleExporter(CapsuleArchives archives) {
    this.archives = archives;
  }

  @Override
  public String format() {
    return ArchiveFormat.ZIP.extension();
  }

  @Override
  public Mono<ResponseEntity<Object>> export(ResolvedVersion version) {
    return archives
        .archive(version, ArchiveFormat.ZIP, CapsuleArchives.DEFAULT_CHUNK)
        .map(CapsuleArchive::untypedResponse);
  }
}
