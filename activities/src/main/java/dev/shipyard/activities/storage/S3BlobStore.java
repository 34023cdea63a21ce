package dev.shipyard.activities.storage;

import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link BlobStore} on any S3-compatible server (AWS S3, MinIO, s3proxy), one bucket. */
public class S3BlobStore implements BlobStore {

  private final S3Client s3;
  private final String bucket;

  public S3BlobStore(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  @Override
  public void putIfAbsent(String key, byte[] bytes, String contentType) {
    if (exists(key)) {
      return;
    }
    s3.putObject(
        b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
  }

  @Override
  public Optional<byte[]> get(String key) {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  private boolean exists(String key) {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
