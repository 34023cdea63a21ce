package dev.shipyard.storage.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** {@link TarGzReader} on archives built here with commons-compress. */
class TarGzReaderTest {

  private static final TarGzReader.Limits SMALL = new TarGzReader.Limits(3, 10, 15);

  @Test
  void regularFilesAreReadWithNormalisedPathsAndDirectoriesDropped() throws IOException {
    byte[] archive =
        tgz(
            tar -> {
              directory(tar, "chart/");
              file(tar, "chart/./Chart.yaml", "name: c");
              file(tar, "chart//templates/a.yaml", "a");
            });
    Map<String, byte[]> files = TarGzReader.read(archive, TarGzReader.Limits.HELM_CHART);
    assertThat(files).containsOnlyKeys("chart/Chart.yaml", "chart/templates/a.yaml");
    assertThat(new String(files.get("chart/Chart.yaml"), StandardCharsets.UTF_8))
        .isEqualTo("name: c");
  }

  @Test
  void traversalAbsolutePathsAndLinksAreRefused() throws IOException {
    assertRefused(tgz(tar -> file(tar, "chart/../../etc/passwd", "x")), "leaves the archive");
    assertRefused(tgz(tar -> directory(tar, "../up/")), "leaves the archive");
    assertRefused(
        tgz(tar -> link(tar, TarArchiveEntry.LF_SYMLINK, "chart/l", "/etc")), "is a link");
    assertRefused(
        tgz(tar -> link(tar, TarArchiveEntry.LF_LINK, "chart/h", "chart/a")), "is a link");
    assertRefused(
        tgz(tar -> link(tar, TarArchiveEntry.LF_FIFO, "chart/fifo", "")), "not a regular file");
  }

  @Test
  void boundsAndDuplicatesAreRefused() throws IOException {
    assertRefused(
        tgz(
            tar -> {
              for (int i = 0; i < 4; i++) {
                file(tar, "c/" + i, "x");
              }
            }),
        "more than 3 entries");
    assertRefused(tgz(tar -> file(tar, "c/big", "12345678901")), "is over 10 bytes");
    assertRefused(
        tgz(
            tar -> {
              file(tar, "c/a", "1234567890");
              file(tar, "c/b", "123456");
            }),
        "over 15 bytes uncompressed");
    assertRefused(
        tgz(
            tar -> {
              file(tar, "c/a", "1");
              file(tar, "c/./a", "2");
            }),
        "appears twice");
  }

  @Test
  void bytesThatAreNotGzipAreAnIoError() {
    assertThatThrownBy(() -> TarGzReader.read("plain".getBytes(StandardCharsets.UTF_8), SMALL))
        .isInstanceOf(IOException.class);
  }

  private static void assertRefused(byte[] archive, String message) {
    assertThatThrownBy(() -> TarGzReader.read(archive, SMALL))
        .isInstanceOf(ArchivePathException.class)
        .hasMessageContaining(message);
  }

  private interface Writer {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private static byte[] tgz(Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      writer.write(tar);
    }
    return bytes.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, String content)
      throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    // preserveAbsolutePath: commons-compress leaves the name as written
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    tar.putArchiveEntry(new TarArchiveEntry(name, true));
    tar.closeArchiveEntry();
  }

  private static void link(TarArchiveOutputStream tar, byte type, String name, String target)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }
}
