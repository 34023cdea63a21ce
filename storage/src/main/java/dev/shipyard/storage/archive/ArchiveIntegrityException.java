package dev.shipyard.storage.archive;

/**
 * A blob that is missing or does not match its manifest entry (size or SHA-256), found while its
 * bytes were being archived. The archive is then incomplete and must be discarded: the writer stops
 * at once rather than hand out a file set that differs from the manifest it names.
 */
public class ArchiveIntegrityException extends IllegalStateException {

  public ArchiveIntegrityException(String message) {
    super(message);
  }
}
