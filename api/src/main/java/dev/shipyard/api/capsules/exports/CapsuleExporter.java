package dev.shipyard.api.capsules.exports;

import dev.shipyard.api.capsules.versions.ResolvedVersion;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/**
 * One format of {@code GET /capsule/{id}/export/{format}} (capsules-api.md §6). Each is a Spring
 * bean; {@link CapsuleExportController} serves every one it finds and answers 400 listing them for
 * any other format. Exporters never block the event loop (blocking reads go to {@code
 * Schedulers.boundedElastic()}).
 */
public interface CapsuleExporter {

  /**
   * The format's name in the path: {@code zip}, {@code helm}, {@code terraform}, {@code docker}.
   */
  String format();

  /** The whole answer for this version: a binary body or a JSON document of files. */
  Mono<ResponseEntity<Object>> export(ResolvedVersion version);
}
