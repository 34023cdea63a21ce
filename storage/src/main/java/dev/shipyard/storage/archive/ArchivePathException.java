package dev.shipyard.storage.archive;

/**
 * A file set that cannot become an archive because of its paths (absolute, {@code ..}, empty,
 * duplicate once normalised, a file where another needs a directory). Thrown before the first byte
 * of the archive is written, so a caller can still answer with a client error.
 */
public class ArchivePathException extends IllegalArgumentException {

  public ArchivePathException(String message) {
    super(message);
  }
}
