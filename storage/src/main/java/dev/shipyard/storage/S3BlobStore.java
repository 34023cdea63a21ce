package dev.shipyard.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link BlobStore} on any S3-compatible server (AWS S3, MinIO, s3proxy), one bucket.
 *
 * <p>Writes read the stream into one buffer of the part size ({@link S3Settings#partSizeMb()}): a
 * stream that ends within the first buffer becomes one {@code PutObject}, a longer one a multipart
 * upload whose parts reuse that buffer, aborted when anything fails. So one write holds one part in
 * memory, whatever the object's size. Content-addressed writes stream to a temporary key under
 * {@value #TEMP_PREFIX} while hashing, then copy it server-side to {@code blobs/sha256/<hex>}
 * (unless that exists) and delete it; a bucket lifecycle rule on that prefix can sweep what a
 * killed process leaves behind.
 */
public final class S3BlobStore implements BlobStore {

  /** Where content-addressed writes stream before their digest is known. */
  public static final String TEMP_PREFIX = "tmp/uploads/";

  /** S3's largest single {@code CopyObject}; larger objects are copied in parts. */
  static final long MAX_SINGLE_COPY_BYTES = 5L * 1024 * 1024 * 1024;

  private static final int MAX_PARTS = 10_000;

  private final S3Client s3;
  private final String bucket;
  private final int partSize;
  private final long maxSingleCopyBytes;

  public S3BlobStore(S3Client s3, S3Settings settings) {
    this(s3, settings.bucket(), settings.partSizeBytes(), MAX_SINGLE_COPY_BYTES);
  }

  /** A store with {@code partSize} bytes per part; tests lower {@code maxSingleCopyBytes}. */
  S3BlobStore(S3Client s3, String bucket, int partSize, long maxSingleCopyBytes) {
    this.s3 = s3;
    this.bucket = bucket;
    this.partSize = partSize;
    this.maxSingleCopyBytes = maxSingleCopyBytes;
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public BlobInfo put(String key, InputStream content, long length, String contentType) {
    try {
      if (length >= 0 && length < partSize) {
        byte[] buffer = new byte[(int) length + 1];
        int read = content.readNBytes(buffer, 0, buffer.length);
        checkLength(key, length, read);
        putObject(key, buffer, read, contentType);
        return new BlobInfo(key, read, contentType);
      }
      byte[] buffer = new byte[partSize];
      int read = content.readNBytes(buffer, 0, partSize);
      if (read < partSize) {
        checkLength(key, length, read);
        putObject(key, buffer, read, contentType);
        return new BlobInfo(key, read, contentType);
      }
      return multipart(key, content, length, contentType, buffer);
    } catch (IOException e) {
      throw new UncheckedIOException("Reading the content of " + key + " failed", e);
    }
  }

  private void putObject(String key, byte[] buffer, int length, String contentType) {
    s3.putObject(
        b -> b.bucket(bucket).key(key).contentType(contentType).contentLength((long) length),
        body(buffer, length, contentType));
  }

  /**
   * Uploads {@code buffer} (full) and the rest of {@code content} in parts of the buffer's size.
   */
  private BlobInfo multipart(
      String key, InputStream content, long length, String contentType, byte[] buffer)
      throws IOException {
    String uploadId =
        s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long total = 0;
      int read = buffer.length;
      while (read > 0) {
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
          throw new IllegalArgumentException(
              key + " needs more than " + MAX_PARTS + " parts: raise the part size");
        }
        int partLength = read;
        String etag =
            s3.uploadPart(
                    b ->
                        b.bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) partLength),
                    body(buffer, partLength, "application/octet-stream"))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        total += partLength;
        read = content.readNBytes(buffer, 0, buffer.length);
      }
      checkLength(key, length, total);
      s3.completeMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(u -> u.parts(parts)));
      return new BlobInfo(key, total, contentType);
    } catch (IOException | RuntimeException | Error e) {
      abort(key, uploadId, e);
      throw e;
    }
  }

  private void abort(String key, String uploadId, Throwable cause) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static RequestBody body(byte[] buffer, int length, String contentType) {
    // A provider, not a copy: the SDK may read the part twice (signing, retries).
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(buffer, 0, length), length, contentType);
  }

  private static void checkLength(String key, long expected, long actual) {
    if (expected >= 0 && expected != actual) {
      throw new IllegalArgumentException(
          "The content of "
              + key
              + " was declared "
              + expected
              + " bytes long but "
              + (actual > expected ? "is longer" : "has " + actual));
    }
  }

  @Override
  public ContentAddress putContentAddressed(InputStream content, String contentType) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String temp = TEMP_PREFIX + UUID.randomUUID();
    BlobInfo written =
        put(temp, new DigestInputStream(content, sha256), UNKNOWN_LENGTH, contentType);
    String digest = HexFormat.of().formatHex(sha256.digest());
    String key = BlobStore.contentKey(digest);
    try {
      if (!exists(key)) {
        copy(temp, key, written.size(), contentType);
      }
    } finally {
      delete(temp);
    }
    return new ContentAddress(key, digest, written.size());
  }

  /** Server-side copy; in parts above S3's single-copy limit. */
  private void copy(String from, String to, long size, String contentType) {
    if (size <= maxSingleCopyBytes) {
      s3.copyObject(
          b -> b.sourceBucket(bucket).sourceKey(from).destinationBucket(bucket).destinationKey(to));
      return;
    }
    String uploadId =
        s3.createMultipartUpload(b -> b.bucket(bucket).key(to).contentType(contentType)).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (long offset = 0; offset < size; offset += maxSingleCopyBytes) {
        int partNumber = parts.size() + 1;
        String range = "bytes=" + offset + "-" + (Math.min(size, offset + maxSingleCopyBytes) - 1);
        String etag =
            s3.uploadPartCopy(
                    b ->
                        b.sourceBucket(bucket)
                            .sourceKey(from)
                            .destinationBucket(bucket)
                            .destinationKey(to)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .copySourceRange(range))
                .copyPartResult()
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      s3.completeMultipartUpload(
          b -> b.bucket(bucket).key(to).uploadId(uploadId).multipartUpload(u -> u.parts(parts)));
    } catch (RuntimeException | Error e) {
      abort(to, uploadId, e);
      throw e;
    }
  }

  @Override
  public Optional<InputStream> open(String key) {
    try {
      return Optional.of(s3.getObject(b -> b.bucket(bucket).key(key)));
    } catch (S3Exception e) {
      if (isMissing(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<InputStream> open(String key, long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must be >= 0");
    }
    if (length == 0) {
      return head(key).map(info -> InputStream.nullInputStream());
    }
    long last = offset + length - 1 < 0 ? Long.MAX_VALUE : offset + length - 1;
    try {
      return Optional.of(
          s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + offset + "-" + last)));
    } catch (S3Exception e) {
      if (isMissing(e)) {
        return Optional.empty();
      }
      if (e.statusCode() == 416) { // the object exists; the range starts at or past its end
        return Optional.of(InputStream.nullInputStream());
      }
      throw e;
    }
  }

  @Override
  public Optional<BlobInfo> head(String key) {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
      return Optional.of(new BlobInfo(key, head.contentLength(), head.contentType()));
    } catch (S3Exception e) {
      if (isMissing(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void delete(String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(key));
  }

  private static boolean isMissing(S3Exception e) {
    return e instanceof NoSuchKeyException || e.statusCode() == 404;
  }
}
