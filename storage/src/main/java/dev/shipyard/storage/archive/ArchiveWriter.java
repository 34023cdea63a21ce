package dev.shipyard.storage.archive;

import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Streams the files of a {@link FileManifest} from a {@link BlobStore} into an archive ({@link
 * ArchiveFormat}), so that a file set of any size leaves the platform as one download and the same
 * manifest always gives the same bytes (an archive's SHA-256 can be published, compared and
 * signed).
 *
 * <p>Reproducible: entries sorted by their normalised path; regular files only (no directory
 * entries: extractors create the parents), mode 0644, owner and group 0 with empty names, one fixed
 * modification time ({@link #FIXED_TIME}); a gzip header without file name or time; zip entries
 * without time or Unicode extra fields. The bytes depend on the manifest only (and on the deflater
 * of the JDK, which is fixed for a build of the platform), not on the host, its time zone, the user
 * or the clock.
 *
 * <p>Bounded memory: each blob is copied through one {@value #BUFFER_SIZE}-byte buffer (plus the
 * compressors' own fixed windows); no file and no archive is ever held whole. Every blob is checked
 * against its entry (size and SHA-256) while it is copied; a mismatch stops the archive with an
 * {@link ArchiveIntegrityException}. Paths are checked before the first byte is written ({@link
 * ArchivePathException}).
 *
 * <p>Blocking: the blob reads and the writes block; in the API call it on a bounded-elastic thread.
 * A failing {@code out} (a client that went away) ends the work at the next write.
 */
public final class ArchiveWriter {

  /** The copy buffer per archive. */
  public static final int BUFFER_SIZE = 64 * 1024;

  /** Every entry's modification time: 2000-01-01T00:00:00 (UTC in tar; the zip fields alike). */
  public static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0, 0);

  /** Every file's permission bits (a regular file, rw-r--r--). */
  public static final int FILE_MODE = 0100644;

  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private final BlobStore blobs;

  public ArchiveWriter(BlobStore blobs) {
    this.blobs = Objects.requireNonNull(blobs);
  }

  /**
   * One file as it appears in the archive.
   *
   * @param name the normalised path ({@link #normalise})
   * @param file the manifest entry whose blob holds the bytes
   */
  public record Item(String name, FileManifest.Entry file) {}

  /**
   * The archive's entries in archive order, or an {@link ArchivePathException} naming the first
   * path that cannot be archived. Call it to validate a manifest without writing anything.
   */
  public static List<Item> items(FileManifest manifest) {
    TreeMap<String, Item> byName = new TreeMap<>();
    for (FileManifest.Entry file : manifest.entries()) {
      String name = normalise(file.path());
      Item previous = byName.put(name, new Item(name, file));
      if (previous != null) {
        throw new ArchivePathException(
            "Paths '"
                + previous.file().path()
                + "' and '"
                + file.path()
                + "' are the same file ("
                + name
                + ")");
      }
    }
    // A file cannot also be a directory: "a" next to "a/b" would not extract.
    String last = null;
    for (String name : byName.keySet()) {
      if (last != null && name.startsWith(last + "/")) {
        throw new ArchivePathException(
            "Path '" + last + "' is a file and also the directory of '" + name + "'");
      }
      last = name;
    }
    List<Item> items = new ArrayList<>(byName.values());
    items.sort(Comparator.comparing(Item::name));
    return items;
  }

  /**
   * The relative path a file is archived under: {@code /}-separated, without empty or {@code .}
   * segments. Refused: empty, absolute ({@code /x}, {@code C:x}), a {@code ..} segment, a backslash
   * or a control character.
   */
  public static String normalise(String path) {
    if (path == null || path.isEmpty()) {
      throw new ArchivePathException("An empty path cannot be archived");
    }
    if (path.startsWith("/") || DRIVE.matcher(path).matches()) {
      throw new ArchivePathException("Absolute path '" + path + "' cannot be archived");
    }
    if (path.indexOf('\\') >= 0) {
      throw new ArchivePathException("Path '" + path + "' contains a backslash");
    }
    if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ArchivePathException("Path '" + path + "' contains a control character");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        throw new ArchivePathException("Path '" + path + "' leaves the archive (..)");
      }
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    if (segments.isEmpty()) {
      throw new ArchivePathException("Path '" + path + "' names no file");
    }
    return String.join("/", segments);
  }

  /**
   * Writes the archive of {@code manifest}'s files to {@code out}, which is flushed, not closed.
   * Nothing is written when a path is refused.
   *
   * @return the number of files archived
   * @throws ArchivePathException a path cannot be archived (before any byte is written)
   * @throws ArchiveIntegrityException a blob is missing or differs from its entry
   * @throws IOException {@code out} failed (e.g. the client disconnected)
   */
  public int write(FileManifest manifest, ArchiveFormat format, OutputStream out)
      throws IOException {
    List<Item> items = items(manifest);
    byte[] buffer = new byte[BUFFER_SIZE];
    OutputStream target = new KeepOpen(out);
    switch (format) {
      case TAR_GZ -> writeTarGz(items, target, buffer);
      case ZIP -> writeZip(items, target, buffer);
    }
    out.flush();
    return items.size();
  }

  private void writeTarGz(List<Item> items, OutputStream out, byte[] buffer) throws IOException {
    FileTime time = FileTime.from(FIXED_TIME.toInstant(ZoneOffset.UTC));
    // The JDK's gzip header has no file name, a zero time and fixed flags.
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, BUFFER_SIZE);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (Item item : items) {
        TarArchiveEntry entry = new TarArchiveEntry(item.name(), true);
        entry.setMode(FILE_MODE);
        entry.setSize(item.file().size());
        entry.setLastModifiedTime(time);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        copy(item.file(), tar, buffer);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  private void writeZip(List<Item> items, OutputStream out, byte[] buffer) throws IOException {
    // DOS time fields are local time: these millis give the fields of FIXED_TIME in any zone.
    long dosTime = FIXED_TIME.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
      zip.setEncoding(StandardCharsets.UTF_8.name());
      zip.setUseLanguageEncodingFlag(true);
      zip.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.NEVER);
      zip.setMethod(ZipArchiveOutputStream.DEFLATED);
      zip.setLevel(Deflater.DEFAULT_COMPRESSION);
      zip.setUseZip64(Zip64Mode.AsNeeded);
      for (Item item : items) {
        ZipArchiveEntry entry = new ZipArchiveEntry(item.name());
        entry.setMethod(ZipArchiveOutputStream.DEFLATED);
        entry.setSize(item.file().size());
        entry.setUnixMode(FILE_MODE);
        entry.setTime(dosTime);
        zip.putArchiveEntry(entry);
        copy(item.file(), zip, buffer);
        zip.closeArchiveEntry();
      }
      zip.finish();
    }
  }

  /** Copies the blob of {@code file} into {@code out}, checking its size and SHA-256. */
  private void copy(FileManifest.Entry file, OutputStream out, byte[] buffer) throws IOException {
    InputStream in =
        blobs
            .open(file.blobKey())
            .orElseThrow(
                () ->
                    new ArchiveIntegrityException(
                        "The blob of '" + file.path() + "' is missing (" + file.blobKey() + ")"));
    MessageDigest sha256 = sha256();
    try (in) {
      long left = file.size();
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new ArchiveIntegrityException(
              "The blob of '" + file.path() + "' is shorter than " + file.size() + " bytes");
        }
        sha256.update(buffer, 0, n);
        out.write(buffer, 0, n);
        left -= n;
      }
      if (in.read() >= 0) {
        throw new ArchiveIntegrityException(
            "The blob of '" + file.path() + "' is longer than " + file.size() + " bytes");
      }
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(file.sha256())) {
      throw new ArchiveIntegrityException(
          "The blob of '" + file.path() + "' has SHA-256 " + actual + ", not " + file.sha256());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The caller's stream, flushed instead of closed when the compressors close. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
