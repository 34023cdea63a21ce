package dev.shipyard.storage.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.ContentAddress;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.GeneratedStream;
import dev.shipyard.storage.LocalS3Extension;
import dev.shipyard.storage.LocalS3Server;
import dev.shipyard.storage.S3BlobStore;
import dev.shipyard.storage.S3Clients;
import dev.shipyard.storage.S3Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link ArchiveWriter} against a real S3-protocol server (s3proxy), its archives opened by the
 * system's {@code tar} and {@code unzip}: what they extract is the stored blobs byte for byte, and
 * the same manifest gives the same bytes again, in another time zone too.
 */
@ExtendWith(LocalS3Extension.class)
class ArchiveWriterTest {

  private static final String LONG_DIR = "deep/" + "directory-0123456789/".repeat(8);

  private static S3Client s3;
  private static BlobStore blobs;
  private static ArchiveWriter writer;
  private static FileManifest manifest;

  /** Normalised path -> the bytes the archive must hold there. */
  private static final Map<String, byte[]> EXPECTED = new TreeMap<>();

  @BeforeAll
  static void storeFiles(LocalS3Server server) throws IOException {
    S3Settings settings = server.settings(5);
    s3 = S3Clients.sync(settings);
    blobs = new S3BlobStore(s3, settings);
    writer = new ArchiveWriter(blobs);

    List<FileManifest.Entry> entries = new ArrayList<>();
    entries.add(text("README.md", "# A capsule\n"));
    entries.add(text("src/main.py", "print('hello')\n".repeat(500)));
    entries.add(text("./scripts//run.sh", "#!/bin/sh\necho run\n"));
    entries.add(text("docs/résumé.txt", "non-ASCII name\n"));
    entries.add(
        text(LONG_DIR + "a-file-whose-path-is-longer-than-one-hundred-bytes.txt", "long\n"));
    entries.add(text("empty.txt", ""));
    // 6 MiB of incompressible bytes: many copy buffers, several S3 reads.
    byte[] random = new GeneratedStream(6L * 1024 * 1024 + 17, 42).readAllBytes();
    entries.add(store("data/random.bin", random));
    manifest = FileManifest.of(entries);
  }

  @AfterAll
  static void disconnect() {
    s3.close();
  }

  private static FileManifest.Entry text(String path, String content) {
    return store(path, content.getBytes(StandardCharsets.UTF_8));
  }

  private static FileManifest.Entry store(String path, byte[] bytes) {
    ContentAddress address =
        blobs.putContentAddressed(new ByteArrayInputStream(bytes), "application/octet-stream");
    EXPECTED.put(ArchiveWriter.normalise(path), bytes);
    return new FileManifest.Entry(path, address.sha256(), address.size());
  }

  private static byte[] archive(FileManifest files, ArchiveFormat format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int count = writer.write(files, format, out);
    assertThat(count).isEqualTo(files.entries().size());
    return out.toByteArray();
  }

  @Test
  void tarGzExtractedBySystemTarEqualsTheBlobsWithFixedMetadata(@TempDir Path dir)
      throws Exception {
    byte[] bytes = archive(manifest, ArchiveFormat.TAR_GZ);
    // gzip header: magic, deflate, no flags (no name, no comment), time 0.
    assertThat(bytes[0] & 0xff).isEqualTo(0x1f);
    assertThat(bytes[1] & 0xff).isEqualTo(0x8b);
    assertThat(bytes[3]).isZero();
    assertThat(new byte[] {bytes[4], bytes[5], bytes[6], bytes[7]}).containsOnly(0);

    Path file = dir.resolve("capsule.tar.gz");
    Files.write(file, bytes);
    Path out = Files.createDirectory(dir.resolve("out"));
    run(dir, "tar", "-xzf", file.toString(), "-C", out.toString());
    assertThat(tree(out)).containsExactlyEntriesOf(EXPECTED);

    List<String> listing =
        run(dir, "tar", "--numeric-owner", "--full-time", "-tvzf", file.toString())
            .lines()
            .toList();
    assertThat(listing).hasSize(EXPECTED.size());
    assertThat(listing)
        .allSatisfy(
            line ->
                assertThat(line).startsWith("-rw-r--r-- 0/0").contains(" 2000-01-01 00:00:00 "));
    // Sorted by path, exactly the normalised names.
    assertThat(listing.stream().map(l -> l.substring(l.indexOf(" 00:00:00 ") + 10)).toList())
        .containsExactlyElementsOf(EXPECTED.keySet());
  }

  @Test
  void zipExtractedBySystemUnzipEqualsTheBlobsWithFixedMetadata(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("capsule.zip");
    Files.write(file, archive(manifest, ArchiveFormat.ZIP));
    Path out = Files.createDirectory(dir.resolve("out"));
    run(dir, "unzip", "-q", file.toString(), "-d", out.toString());
    assertThat(tree(out)).containsExactlyEntriesOf(EXPECTED);

    List<String> listing =
        run(dir, "zipinfo", "-T", file.toString()).lines().filter(l -> l.startsWith("-")).toList();
    assertThat(listing).hasSize(EXPECTED.size());
    assertThat(listing)
        .allSatisfy(
            line ->
                assertThat(line)
                    .startsWith("-rw-r--r--")
                    .contains(" unx ")
                    .contains("20000101.000000"));
    String verbose = run(dir, "zipinfo", "-v", file.toString());
    assertThat(verbose.lines().filter(l -> l.contains("length of extra field")))
        .hasSize(EXPECTED.size())
        .allSatisfy(l -> assertThat(l).endsWith(" 0 bytes"));
  }

  @ParameterizedTest
  @EnumSource(ArchiveFormat.class)
  void sameManifestGivesSameBytesAgainInAnyTimeZone(ArchiveFormat format) throws IOException {
    byte[] first = archive(manifest, format);
    byte[] second = archive(FileManifest.parse(manifest.bytes()), format);
    TimeZone zone = TimeZone.getDefault();
    byte[] elsewhere;
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14
      elsewhere = archive(manifest, format);
    } finally {
      TimeZone.setDefault(zone);
    }
    assertThat(second).isEqualTo(first);
    assertThat(elsewhere).isEqualTo(first);
    assertThat(FileManifest.sha256(first)).isEqualTo(FileManifest.sha256(elsewhere));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/passwd",
        "../outside",
        "a/../../b",
        "a/..",
        "C:evil",
        "a\\b",
        "./",
        "",
        "a\u0000b"
      })
  void refusesPathsOutsideTheArchiveBeforeWritingAnything(String path) throws IOException {
    FileManifest bad =
        FileManifest.of(
            List.of(manifest.entries().get(0), new FileManifest.Entry(path, sha("x"), 1)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ArchiveFormat format : ArchiveFormat.values()) {
      assertThatThrownBy(() -> writer.write(bad, format, out))
          .isInstanceOf(ArchivePathException.class);
    }
    assertThat(out.size()).isZero();
  }

  @Test
  void refusesPathsThatNameTheSameFileOrAFileAsDirectory() {
    FileManifest.Entry one = manifest.entries().get(0);
    assertThatThrownBy(
            () ->
                ArchiveWriter.items(
                    FileManifest.of(
                        List.of(
                            new FileManifest.Entry("a/b", one.sha256(), one.size()),
                            new FileManifest.Entry("a//./b", one.sha256(), one.size())))))
        .isInstanceOf(ArchivePathException.class)
        .hasMessageContaining("same file");
    assertThatThrownBy(
            () ->
                ArchiveWriter.items(
                    FileManifest.of(
                        List.of(
                            new FileManifest.Entry("a", one.sha256(), one.size()),
                            new FileManifest.Entry("a/b", one.sha256(), one.size())))))
        .isInstanceOf(ArchivePathException.class)
        .hasMessageContaining("also the directory");
  }

  @ParameterizedTest
  @EnumSource(ArchiveFormat.class)
  void stopsWhenABlobDiffersFromItsEntryOrIsMissing(ArchiveFormat format) {
    FileManifest.Entry real = manifest.entries().get(0);
    FileManifest wrongHash =
        FileManifest.of(List.of(new FileManifest.Entry("f", sha("other"), real.size())));
    // A blob stored under a key that is not its hash (what a corrupted store would look like).
    blobs.put(
        BlobStore.contentKey(sha("other")),
        new ByteArrayInputStream(new byte[(int) real.size()]),
        real.size(),
        "application/octet-stream");
    assertThatThrownBy(() -> writer.write(wrongHash, format, OutputStream.nullOutputStream()))
        .isInstanceOf(ArchiveIntegrityException.class)
        .hasMessageContaining("has SHA-256");
    FileManifest wrongSize =
        FileManifest.of(List.of(new FileManifest.Entry("f", real.sha256(), real.size() + 1)));
    assertThatThrownBy(() -> writer.write(wrongSize, format, OutputStream.nullOutputStream()))
        .isInstanceOf(ArchiveIntegrityException.class)
        .hasMessageContaining("shorter");
    FileManifest missing =
        FileManifest.of(List.of(new FileManifest.Entry("f", sha("never stored"), 3)));
    assertThatThrownBy(() -> writer.write(missing, format, OutputStream.nullOutputStream()))
        .isInstanceOf(ArchiveIntegrityException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void formatsAreNamedByTheirExtension() {
    assertThat(ArchiveFormat.names()).containsExactly("tar.gz", "zip");
    assertThat(ArchiveFormat.fromExtension("zip")).contains(ArchiveFormat.ZIP);
    assertThat(ArchiveFormat.fromExtension("tar.gz")).contains(ArchiveFormat.TAR_GZ);
    assertThat(ArchiveFormat.TAR_GZ.contentType()).isEqualTo("application/gzip");
    assertThat(ArchiveFormat.fromExtension("rar")).isEmpty();
  }

  private static String sha(String s) {
    return FileManifest.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Every regular file under {@code root}: relative path -> bytes. */
  private static Map<String, byte[]> tree(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private static String run(Path dir, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("TZ", "UTC");
    builder.environment().put("LC_ALL", "C.UTF-8");
    Process process = builder.redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + text).isZero();
    return text;
  }
}
