package dev.shipyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link S3BlobStore} against a real S3-protocol server (s3proxy, as in the local platform), with
 * the smallest part size S3 allows (5 MiB) so that multipart uploads happen at 12 MiB.
 */
@ExtendWith(LocalS3Extension.class)
class S3BlobStoreTest {

  private static final int MIB = 1024 * 1024;
  private static final int PART = 5 * MIB;
  private static final long LARGE = 12L * MIB + 123; // three parts: 5 MiB, 5 MiB, 2 MiB + 123

  private static S3Client s3;
  private static S3BlobStore store;

  @BeforeAll
  static void connect(LocalS3Server server) {
    S3Settings settings = server.settings(5);
    s3 = S3Clients.sync(settings);
    store = new S3BlobStore(s3, settings);
  }

  @AfterAll
  static void disconnect() {
    s3.close();
  }

  private static String key() {
    return "test/" + UUID.randomUUID();
  }

  @Test
  void smallObjectRoundTripsWithItsSizeAndContentType() {
    String key = key();
    byte[] bytes = "hello, blobs".getBytes(StandardCharsets.UTF_8);

    BlobInfo written = store.put(key, new ByteArrayInputStream(bytes), bytes.length, "text/plain");

    assertThat(written).isEqualTo(new BlobInfo(key, bytes.length, "text/plain"));
    assertThat(store.head(key)).contains(new BlobInfo(key, bytes.length, "text/plain"));
    assertThat(store.exists(key)).isTrue();
    assertThat(store.get(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(store.readTo(key, out)).contains((long) bytes.length);
    assertThat(out.toByteArray()).isEqualTo(bytes);
  }

  @Test
  void emptyObjectIsStored() {
    String key = key();
    store.put(key, InputStream.nullInputStream(), BlobStore.UNKNOWN_LENGTH, "application/json");
    assertThat(store.head(key)).contains(new BlobInfo(key, 0, "application/json"));
    assertThat(store.get(key)).hasValueSatisfying(b -> assertThat(b).isEmpty());
  }

  @Test
  void largeStreamOfUnknownLengthGoesUpInPartsAndReadsBackIdentically() {
    String key = key();

    BlobInfo written =
        store.put(key, new GeneratedStream(LARGE, 7), BlobStore.UNKNOWN_LENGTH, "application/zip");

    assertThat(written.size()).isEqualTo(LARGE);
    assertThat(store.head(key)).contains(new BlobInfo(key, LARGE, "application/zip"));
    assertThat(GeneratedStream.sha256(store.open(key).orElseThrow()))
        .isEqualTo(GeneratedStream.sha256(LARGE, 7));
    // A multipart upload's ETag is the digest of the part digests, suffixed with the part count.
    assertThat(s3.headObject(b -> b.bucket(LocalS3Server.BUCKET).key(key)).eTag()).endsWith("-3\"");
  }

  @Test
  void largeStreamOfKnownLengthGoesUpInParts() {
    String key = key();
    long size = 2L * PART; // exactly two full parts: the end is found by a read of 0 bytes
    store.put(key, new GeneratedStream(size, 8), size, "application/octet-stream");
    assertThat(store.head(key).orElseThrow().size()).isEqualTo(size);
    assertThat(GeneratedStream.sha256(store.open(key).orElseThrow()))
        .isEqualTo(GeneratedStream.sha256(size, 8));
    assertThat(s3.headObject(b -> b.bucket(LocalS3Server.BUCKET).key(key)).eTag()).endsWith("-2\"");
  }

  @Test
  void aStreamThatDoesNotMatchItsDeclaredLengthStoresNothing() {
    String small = key();
    assertThatThrownBy(
            () -> store.put(small, new ByteArrayInputStream(new byte[10]), 11, "text/plain"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("declared 11 bytes");
    assertThatThrownBy(
            () -> store.put(small, new ByteArrayInputStream(new byte[12]), 11, "text/plain"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is longer");
    String large = key();
    assertThatThrownBy(
            () -> store.put(large, new GeneratedStream(LARGE, 1), LARGE + 1, "text/plain"))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.exists(small)).isFalse();
    assertThat(store.exists(large)).isFalse();
    assertThat(openUploads(large)).isEmpty();
  }

  @Test
  void aFailingStreamAbortsTheMultipartUpload() {
    String key = key();
    InputStream failing = failAfter(new GeneratedStream(LARGE, 3), 11L * MIB);

    assertThatThrownBy(() -> store.put(key, failing, BlobStore.UNKNOWN_LENGTH, "text/plain"))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("disk gone");

    assertThat(store.exists(key)).isFalse();
    assertThat(openUploads(key)).isEmpty();
  }

  @Test
  void rangedReadsReturnTheRequestedBytes() {
    String key = key();
    store.put(key, new GeneratedStream(LARGE, 5), LARGE, "application/octet-stream");
    byte[] all = new byte[(int) LARGE];
    try (InputStream in = new GeneratedStream(LARGE, 5)) {
      in.readNBytes(all, 0, all.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    // across the boundary of the first two parts
    long offset = PART - 1000;
    assertThat(store.get(key, offset, 5000).orElseThrow())
        .isEqualTo(Arrays.copyOfRange(all, (int) offset, (int) offset + 5000));
    // the first byte, and the tail
    assertThat(store.get(key, 0, 1).orElseThrow()).containsExactly(all[0]);
    assertThat(store.get(key, LARGE - 10, 10).orElseThrow())
        .isEqualTo(Arrays.copyOfRange(all, all.length - 10, all.length));
    // a range running past the end is cut at the end; one starting at the end is empty
    assertThat(store.get(key, LARGE - 3, 100).orElseThrow())
        .isEqualTo(Arrays.copyOfRange(all, all.length - 3, all.length));
    assertThat(store.get(key, LARGE, 10).orElseThrow()).isEmpty();
    assertThat(store.get(key, LARGE + 1000, 10).orElseThrow()).isEmpty();
    assertThat(store.get(key, 10, 0).orElseThrow()).isEmpty();
    // a very long length means "to the end"
    assertThat(store.get(key, LARGE - 2, Long.MAX_VALUE).orElseThrow())
        .isEqualTo(Arrays.copyOfRange(all, all.length - 2, all.length));
    assertThatThrownBy(() -> store.open(key, -1, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void missingKeysAreEmptyNotErrors() {
    String key = key();
    assertThat(store.head(key)).isEmpty();
    assertThat(store.exists(key)).isFalse();
    assertThat(store.open(key)).isEmpty();
    assertThat(store.get(key)).isEmpty();
    assertThat(store.get(key, 0, 10)).isEmpty();
    assertThat(store.get(key, 0, 0)).isEmpty();
    assertThat(store.readTo(key, new ByteArrayOutputStream())).isEmpty();
    store.delete(key); // deleting a missing key is not an error
  }

  @Test
  void deleteRemovesTheObject() {
    String key = key();
    store.put(key, new ByteArrayInputStream(new byte[] {1}), 1, "application/octet-stream");
    store.delete(key);
    assertThat(store.exists(key)).isFalse();
  }

  @Test
  void putIfAbsentKeepsTheFirstObject() {
    String key = key();
    store.putIfAbsent(key, "first".getBytes(StandardCharsets.UTF_8), "text/plain");
    store.putIfAbsent(key, "second".getBytes(StandardCharsets.UTF_8), "text/plain");
    assertThat(store.get(key).map(b -> new String(b, StandardCharsets.UTF_8))).contains("first");
  }

  @Test
  void putReplacesAnExistingObject() {
    String key = key();
    store.put(key, new ByteArrayInputStream(new byte[] {1, 2}), 2, "application/octet-stream");
    store.put(key, new ByteArrayInputStream(new byte[] {3}), 1, "application/octet-stream");
    assertThat(store.get(key).orElseThrow()).containsExactly(3);
  }

  @Test
  void contentAddressedPutHashesWhileStreamingAndIsIdempotent() {
    long size = LARGE + 17; // unique to this test, so the first write really creates the blob
    String expected = GeneratedStream.sha256(size, 11);

    ContentAddress first =
        store.putContentAddressed(new GeneratedStream(size, 11), "application/octet-stream");
    ContentAddress second =
        store.putContentAddressed(new GeneratedStream(size, 11), "application/octet-stream");

    assertThat(first).isEqualTo(new ContentAddress("blobs/sha256/" + expected, expected, size));
    assertThat(second).isEqualTo(first);
    assertThat(BlobStore.contentKey(expected)).isEqualTo(first.key());
    assertThat(store.head(first.key()).orElseThrow().size()).isEqualTo(size);
    assertThat(GeneratedStream.sha256(store.open(first.key()).orElseThrow())).isEqualTo(expected);
    assertThat(keysUnder(S3BlobStore.TEMP_PREFIX)).isEmpty();
  }

  @Test
  void contentAddressedPutOfSmallContentMatchesTheDigestOfItsBytes() {
    byte[] bytes = ("small blob " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    String expected = GeneratedStream.sha256(new ByteArrayInputStream(bytes));

    ContentAddress address =
        store.putContentAddressed(new ByteArrayInputStream(bytes), "text/plain");

    assertThat(address)
        .isEqualTo(new ContentAddress("blobs/sha256/" + expected, expected, bytes.length));
    assertThat(store.get(address.key()).orElseThrow()).isEqualTo(bytes);
    assertThat(store.head(address.key()).orElseThrow().contentType()).isEqualTo("text/plain");
    assertThat(keysUnder(S3BlobStore.TEMP_PREFIX)).isEmpty();
  }

  @Test
  void contentAddressedPutCopiesInPartsAboveTheSingleCopyLimit() {
    S3BlobStore smallCopies = new S3BlobStore(s3, LocalS3Server.BUCKET, PART, PART);
    long size = PART + 29; // two parts up, two ranges copied
    String expected = GeneratedStream.sha256(size, 13);

    ContentAddress address =
        smallCopies.putContentAddressed(new GeneratedStream(size, 13), "application/octet-stream");

    assertThat(address.sha256()).isEqualTo(expected);
    assertThat(GeneratedStream.sha256(store.open(address.key()).orElseThrow())).isEqualTo(expected);
    assertThat(s3.headObject(b -> b.bucket(LocalS3Server.BUCKET).key(address.key())).eTag())
        .endsWith("-2\"");
    assertThat(keysUnder(S3BlobStore.TEMP_PREFIX)).isEmpty();
  }

  @Test
  void aFailedContentAddressedPutLeavesNothingBehind() {
    InputStream failing = failAfter(new GeneratedStream(LARGE, 17), 7L * MIB);

    assertThatThrownBy(() -> store.putContentAddressed(failing, "text/plain"))
        .isInstanceOf(UncheckedIOException.class);

    assertThat(keysUnder(S3BlobStore.TEMP_PREFIX)).isEmpty();
    assertThat(openUploads(S3BlobStore.TEMP_PREFIX)).isEmpty();
    assertThat(store.exists(BlobStore.contentKey(GeneratedStream.sha256(LARGE, 17)))).isFalse();
  }

  private static List<String> keysUnder(String prefix) {
    return s3
        .listObjectsV2Paginator(b -> b.bucket(LocalS3Server.BUCKET).prefix(prefix))
        .contents()
        .stream()
        .map(S3Object::key)
        .toList();
  }

  private static List<String> openUploads(String prefix) {
    return s3
        .listMultipartUploads(b -> b.bucket(LocalS3Server.BUCKET).prefix(prefix))
        .uploads()
        .stream()
        .map(u -> u.key())
        .toList();
  }

  /** {@code in}, failing with an IOException once {@code limit} bytes have been read. */
  private static InputStream failAfter(InputStream in, long limit) {
    return new FilterInputStream(in) {
      private long read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read >= limit) {
          throw new IOException("disk gone");
        }
        int n = super.read(b, off, (int) Math.min(len, limit - read));
        if (n > 0) {
          read += n;
        }
        return n;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
      }
    };
  }
}
