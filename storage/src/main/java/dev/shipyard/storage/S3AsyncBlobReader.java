package dev.shipyard.storage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.ResponsePublisher;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The API's non-blocking read path (for streaming downloads): an object's bytes as a publisher
 * straight from {@link S3AsyncClient}, never buffered whole and never blocking an event loop.
 */
public final class S3AsyncBlobReader {

  private final S3AsyncClient s3;
  private final String bucket;

  public S3AsyncBlobReader(S3AsyncClient s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /** The whole object, or empty when there is none. */
  public CompletableFuture<Optional<BlobDownload>> open(String key) {
    return open(key, GetObjectRequest.builder().bucket(bucket).key(key).build());
  }

  /**
   * At most {@code length} bytes from {@code offset} on (see {@link BlobStore#open(String, long,
   * long)}; a range starting at or past the end fails with the server's 416).
   */
  public CompletableFuture<Optional<BlobDownload>> open(String key, long offset, long length) {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException("offset must be >= 0 and length > 0");
    }
    long last = offset + length - 1 < 0 ? Long.MAX_VALUE : offset + length - 1;
    return open(
        key,
        GetObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .range("bytes=" + offset + "-" + last)
            .build());
  }

  private CompletableFuture<Optional<BlobDownload>> open(String key, GetObjectRequest request) {
    return s3.getObject(request, AsyncResponseTransformer.<GetObjectResponse>toPublisher())
        .handle(
            (ResponsePublisher<GetObjectResponse> body, Throwable failure) -> {
              if (failure == null) {
                GetObjectResponse response = body.response();
                return Optional.of(
                    new BlobDownload(
                        new BlobInfo(key, response.contentLength(), response.contentType()), body));
              }
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (cause instanceof S3Exception e && e.statusCode() == 404) {
                return Optional.empty();
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(cause);
            });
  }
}
