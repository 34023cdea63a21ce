package dev.shipyard.storage.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a gzipped tar archive (such as a packaged Helm chart) into memory, refusing anything that
 * could escape or exhaust the place it is extracted to: paths that {@link
 * ArchiveWriter#normalise(String)} refuses (absolute, {@code ..}, backslash, control characters),
 * symbolic and hard links, devices and FIFOs, a duplicate path, more than {@code maxEntries}
 * entries, a file over {@code maxFileBytes} or a total over {@code maxTotalBytes} uncompressed.
 * Directories are accepted and dropped (their files carry their paths).
 */
public final class TarGzReader {

  /** The bounds a read enforces. */
  public record Limits(int maxEntries, long maxFileBytes, long maxTotalBytes) {

    /**
     * A packaged Helm chart: 1,000 entries, 1 MiB a file, 8 MiB in all (the API checks an upload
     * with these before storing it, the validation activity again before extracting it).
     */
    public static final Limits HELM_CHART = new Limits(1_000, 1024 * 1024, 8 * 1024 * 1024);
  }

  private TarGzReader() {}

  /**
   * The archive's regular files, normalised path to bytes, in archive order.
   *
   * @throws ArchivePathException an entry is refused or a bound is passed (nothing is returned)
   * @throws IOException the bytes are not a gzipped tar archive
   */
  public static Map<String, byte[]> read(byte[] archive, Limits limits) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    long total = 0;
    int entries = 0;
    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (++entries > limits.maxEntries()) {
          throw new ArchivePathException(
              "The archive has more than " + limits.maxEntries() + " entries");
        }
        String raw = entry.getName();
        if (entry.isSymbolicLink() || entry.isLink()) {
          throw new ArchivePathException("Entry '" + clip(raw) + "' is a link");
        }
        if (entry.isDirectory()) {
          ArchiveWriter.normalise(raw); // a directory named ../x is refused all the same
          continue;
        }
        byte type = entry.getLinkFlag();
        if (type != TarArchiveEntry.LF_NORMAL
            && type != TarArchiveEntry.LF_OLDNORM
            && type != TarArchiveEntry.LF_CONTIG) {
          // devices, FIFOs and any other type commons-compress may still call a file
          throw new ArchivePathException("Entry '" + clip(raw) + "' is not a regular file");
        }
        String path = ArchiveWriter.normalise(raw);
        if (entry.getSize() > limits.maxFileBytes()) {
          throw new ArchivePathException(
              "Entry '" + clip(path) + "' is over " + limits.maxFileBytes() + " bytes");
        }
        byte[] content = readBounded(tar, limits.maxFileBytes(), path);
        total += content.length;
        if (total > limits.maxTotalBytes()) {
          throw new ArchivePathException(
              "The archive holds over " + limits.maxTotalBytes() + " bytes uncompressed");
        }
        if (files.put(path, content) != null) {
          throw new ArchivePathException("Entry '" + clip(path) + "' appears twice");
        }
      }
    }
    return files;
  }

  private static byte[] readBounded(InputStream in, long max, String path) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long read = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      read += n;
      if (read > max) {
        throw new ArchivePathException("Entry '" + clip(path) + "' is over " + max + " bytes");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static String clip(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 100 ? printable.substring(0, 100) + "..." : printable;
  }
}
