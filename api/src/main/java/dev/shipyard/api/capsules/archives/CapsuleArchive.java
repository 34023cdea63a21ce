package dev.shipyard.api.capsules.archives;

import dev.shipyard.api.capsules.versions.ResolvedVersion;
import dev.shipyard.storage.archive.ArchiveFormat;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Flux;

/**
 * A version's archive on its way to a client: the headers that name it and its bytes, written on
 * demand (nothing is produced before the client reads, and a client that goes away stops the
 * writing). Answered as is by {@code /capsule/{id}/stream}, {@code /capsule/{id}/export/zip} and
 * {@code POST /api/v2/capsules/{id}/export}; the export seam's {@code ResponseEntity<Object>} body
 * is written by {@link CapsuleArchiveWriter}.
 *
 * @param version the capsule version archived
 * @param format its archive format
 * @param body the archive's bytes (subscribe once)
 */
public record CapsuleArchive(ResolvedVersion version, ArchiveFormat format, Flux<DataBuffer> body) {

  /** The version's manifest digest: the digest every archive of the version is built from. */
  public static final String MANIFEST_HEADER = "X-Capsule-Manifest-Sha256";

  /** The version's ID ({@code ver-...}). */
  public static final String VERSION_HEADER = "X-Capsule-Version";

  /** The version's number (1 for the generated capsule). */
  public static final String VERSION_NUMBER_HEADER = "X-Capsule-Version-Number";

  /** {@code <capsule>-v<number>.<extension>}. */
  public String fileName() {
    return version.capsule().id() + "-v" + version.version().number() + "." + format.extension();
  }

  public HttpHeaders headers() {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.parseMediaType(format.contentType()));
    headers.setContentDisposition(ContentDisposition.attachment().filename(fileName()).build());
    headers.set(MANIFEST_HEADER, version.version().manifestSha256());
    headers.set(VERSION_HEADER, version.version().id());
    headers.set(VERSION_NUMBER_HEADER, Integer.toString(version.version().number()));
    headers.setCacheControl("no-store");
    return headers;
  }

  /** The whole answer with a typed body (for handlers that declare {@code Flux<DataBuffer>}). */
  public ResponseEntity<Flux<DataBuffer>> response() {
    return ResponseEntity.ok().headers(headers()).body(body);
  }

  /** The whole answer for the export seam ({@code ResponseEntity<Object>}). */
  public ResponseEntity<Object> untypedResponse() {
    return ResponseEntity.ok().headers(headers()).body(this);
  }
}
