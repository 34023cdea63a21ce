package dev.shipyard.storage.archive;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The archive formats a file set can be streamed as, named by their file extension, which is also
 * what clients ask for ({@code ?format=tar.gz}); the API lists {@link #names()} when a client asks
 * for another.
 */
public enum ArchiveFormat {
  /** A POSIX (pax) tar archive, gzip-compressed. */
  TAR_GZ("tar.gz", "application/gzip"),
  /** A zip archive, each file deflated. */
  ZIP("zip", "application/zip");

  private final String extension;
  private final String contentType;

  ArchiveFormat(String extension, String contentType) {
    this.extension = extension;
    this.contentType = contentType;
  }

  /** The file extension without a leading dot, and the format's name in requests. */
  public String extension() {
    return extension;
  }

  /** The media type of the archive's bytes. */
  public String contentType() {
    return contentType;
  }

  /** The format with this extension (exact, lower-case), or empty. */
  public static Optional<ArchiveFormat> fromExtension(String extension) {
    return Arrays.stream(values()).filter(f -> f.extension.equals(extension)).findFirst();
  }

  /** Every format's extension, in declaration order ({@code tar.gz}, {@code zip}). */
  public static List<String> names() {
    return Arrays.stream(values()).map(ArchiveFormat::extension).toList();
  }
}
