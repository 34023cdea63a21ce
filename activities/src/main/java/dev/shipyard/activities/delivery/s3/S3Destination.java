package dev.shipyard.activities.delivery.s3;

import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.DeliveryDestination;
import dev.shipyard.activities.delivery.DeliveryFailures;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.failure.ApplicationFailure;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The {@code s3} provider: the version's archive ({@link DeliveryContent#writeArchive}) streamed
 * through a pipe into a multipart upload under the deterministic key {@link
 * DeliveryContent#objectName} (a retry overwrites its own object), with its SHA-256 computed while
 * it streams. Memory is the pipe's buffer plus one part, whatever the archive's size; no temporary
 * file. After the upload the object is read back and its SHA-256 compared, then a presigned GET URL
 * is made. A custom {@code endpoint} (MinIO, s3proxy) is checked by the {@link OutboundGuard} and
 * every address it resolves to is checked again at connect time ({@link GuardedDnsResolver}). The
 * SDK does not retry: the delivery workflow retries within the provider's window, and a typed
 * failure says which errors cannot pass.
 */
public class S3Destination implements DeliveryDestination {

  /** The size of one part (the last may be smaller); S3's minimum is 5 MiB. */
  static final int PART_SIZE = 8 * 1024 * 1024;

  static final int PIPE_BUFFER = 1024 * 1024;

  static final Duration DEFAULT_URL_EXPIRY = Duration.ofHours(1);
  static final Duration MAX_URL_EXPIRY = Duration.ofDays(7);

  private static final Set<String> CREDENTIAL_ERRORS =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "AccessDenied",
          "InvalidToken",
          "ExpiredToken",
          "InvalidSecurity");

  private final OutboundGuard guard;
  private final ExecutorService writers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "s3-delivery-archive-writer");
            t.setDaemon(true);
            return t;
          });

  public S3Destination(OutboundGuard guard) {
    this.guard = guard;
  }

  @Override
  public String mode() {
    return "s3";
  }

  /** Where the upload goes, from the target's options. */
  record Settings(
      String bucket,
      String key,
      ArchiveFormat format,
      Region region,
      URI endpoint,
      boolean pathStyle,
      Duration urlExpiry) {}

  static Settings settings(DeliveryContent content, DeliveryTarget target, OutboundGuard guard) {
    ArchiveFormat format =
        ArchiveFormat.fromExtension(target.option("format", "tar.gz"))
            .orElseThrow(
                () ->
                    rejected(
                        "Unsupported format '"
                            + target.option("format", "")
                            + "'; supported: "
                            + String.join(", ", ArchiveFormat.names())));
    URI endpoint = null;
    String configured = target.option("endpoint", null);
    if (configured != null) {
      try {
        endpoint = guard.check(configured);
      } catch (OutboundRefusedException e) {
        throw DeliveryFailures.of(
            DeliveryFailure.OUTBOUND_REFUSED, "The S3 endpoint " + e.getMessage());
      }
    }
    boolean pathStyle = Boolean.parseBoolean(target.option("path_style", "" + (endpoint != null)));
    Duration expiry = DEFAULT_URL_EXPIRY;
    String seconds = target.option("url_expiry_seconds", null);
    if (seconds != null) {
      try {
        expiry = Duration.ofSeconds(Long.parseLong(seconds));
      } catch (NumberFormatException e) {
        throw rejected("url_expiry_seconds must be a number of seconds");
      }
      if (expiry.isNegative() || expiry.isZero() || expiry.compareTo(MAX_URL_EXPIRY) > 0) {
        throw rejected("url_expiry_seconds must be 1 to " + MAX_URL_EXPIRY.toSeconds());
      }
    }
    return new Settings(
        target.destination(),
        content.objectName(target.option("prefix", null), format),
        format,
        Region.of(target.option("region", "us-east-1")),
        endpoint,
        pathStyle,
        expiry);
  }

  @Override
  public DestinationResult deliver(
      DeliveryContent content, DeliveryTarget target, DeliveryCredentials credentials)
      throws Exception {
    Settings settings = settings(content, target, guard);
    StaticCredentialsProvider provider = StaticCredentialsProvider.create(aws(credentials));
    int port = settings.endpoint() == null ? 443 : OutboundGuard.port(settings.endpoint());
    try (SdkHttpClient http =
            Apache5HttpClient.builder()
                .dnsResolver(new GuardedDnsResolver(guard, port))
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        S3Client s3 = client(settings, provider, http);
        S3Presigner presigner = presigner(settings, provider)) {
      Uploaded uploaded = upload(s3, settings, content);
      verify(s3, settings, uploaded);
      String signed =
          presigner
              .presignGetObject(
                  p ->
                      p.signatureDuration(settings.urlExpiry())
                          .getObjectRequest(g -> g.bucket(settings.bucket()).key(settings.key())))
              .url()
              .toString();
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("bucket", settings.bucket());
      metadata.put("key", settings.key());
      metadata.put("format", settings.format().extension());
      metadata.put("size", Long.toString(uploaded.size()));
      metadata.put("parts", Integer.toString(uploaded.parts()));
      metadata.put("url_expires_in_seconds", Long.toString(settings.urlExpiry().toSeconds()));
      return DestinationResult.delivered(
          target,
          "s3://" + settings.bucket() + "/" + settings.key(),
          signed,
          "sha256:" + uploaded.sha256(),
          metadata);
    } catch (S3Exception e) {
      throw failure(e, settings, credentials);
    } catch (SdkClientException e) {
      throw failure(e, credentials);
    }
  }

  private static AwsCredentials aws(DeliveryCredentials credentials) {
    String id = credentials.require("access_key_id");
    String secret = credentials.require("secret_access_key");
    return credentials
        .get("session_token")
        .<AwsCredentials>map(token -> AwsSessionCredentials.create(id, secret, token))
        .orElseGet(() -> AwsBasicCredentials.create(id, secret));
  }

  private static S3Client client(
      Settings settings, StaticCredentialsProvider credentials, SdkHttpClient http) {
    var builder =
        S3Client.builder()
            .httpClient(http)
            .region(settings.region())
            .credentialsProvider(credentials)
            .forcePathStyle(settings.pathStyle())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  private static S3Presigner presigner(Settings settings, StaticCredentialsProvider credentials) {
    var builder =
        S3Presigner.builder()
            .region(settings.region())
            .credentialsProvider(credentials)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  /** What was uploaded: its length, SHA-256 (hex) and number of parts. */
  record Uploaded(long size, String sha256, int parts) {}

  /**
   * Writes the archive on a writer thread into a pipe and uploads it part by part on this thread. A
   * writer failure reaches the upload as a read failure, and any failure aborts the multipart
   * upload, so a broken archive is never completed as if whole; an upload failure closes the pipe,
   * which stops the writer.
   */
  Uploaded upload(S3Client s3, Settings settings, DeliveryContent content) throws Exception {
    MessageDigest sha256 = sha256();
    long[] size = {0};
    PipedInputStream pipeIn = new PipedInputStream(PIPE_BUFFER);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    CompletableFuture<Void> writerDone = new CompletableFuture<>();
    abortLeftovers(s3, settings);
    String uploadId =
        s3.createMultipartUpload(
                c ->
                    c.bucket(settings.bucket())
                        .key(settings.key())
                        .contentType(settings.format().contentType()))
            .uploadId();
    Future<?> writing =
        writers.submit(
            () -> {
              try (OutputStream out = new DigestOutputStream(new Counting(pipeOut, size), sha256)) {
                content.writeArchive(settings.format(), out);
                writerDone.complete(null);
              } catch (Throwable e) {
                writerDone.completeExceptionally(e);
              }
            });
    List<CompletedPart> parts = new ArrayList<>();
    boolean completed = false;
    try {
      byte[] part = new byte[PART_SIZE];
      int number = 0;
      while (true) {
        int filled = pipeIn.readNBytes(part, 0, PART_SIZE);
        if (filled == 0 && number > 0) {
          break;
        }
        number++;
        int partNumber = number;
        String etag =
            s3.uploadPart(
                    u ->
                        u.bucket(settings.bucket())
                            .key(settings.key())
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) filled),
                    RequestBody.fromInputStream(
                        new java.io.ByteArrayInputStream(part, 0, filled), filled))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        if (filled < PART_SIZE) {
          break;
        }
      }
      awaitWriter(writerDone);
      s3.completeMultipartUpload(
          c ->
              c.bucket(settings.bucket())
                  .key(settings.key())
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
      completed = true;
    } finally {
      pipeIn.close(); // the writer, if still writing, fails at its next write and ends
      writing.cancel(true);
      if (!completed) {
        abort(s3, settings, uploadId);
      }
    }
    return new Uploaded(size[0], HexFormat.of().formatHex(sha256.digest()), parts.size());
  }

  /**
   * Aborts the unfinished multipart uploads of this key: those of an attempt whose worker died
   * mid-upload (the key is this delivery's alone, so nothing else uploads to it).
   */
  private static void abortLeftovers(S3Client s3, Settings settings) {
    s3
        .listMultipartUploads(l -> l.bucket(settings.bucket()).prefix(settings.key()))
        .uploads()
        .stream()
        .filter(u -> u.key().equals(settings.key()))
        .forEach(u -> abort(s3, settings, u.uploadId()));
  }

  private static void awaitWriter(CompletableFuture<Void> writerDone) throws Exception {
    try {
      writerDone.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void abort(S3Client s3, Settings settings, String uploadId) {
    try {
      s3.abortMultipartUpload(
          a -> a.bucket(settings.bucket()).key(settings.key()).uploadId(uploadId));
    } catch (RuntimeException e) {
      // best effort: an abandoned upload is removed by the bucket's lifecycle rules
    }
  }

  /** Reads the stored object back and compares its length and SHA-256 with what was sent. */
  private static void verify(S3Client s3, Settings settings, Uploaded uploaded) throws IOException {
    MessageDigest sha256 = sha256();
    long read = 0;
    try (InputStream in = s3.getObject(g -> g.bucket(settings.bucket()).key(settings.key()))) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
        read += n;
      }
    }
    String stored = HexFormat.of().formatHex(sha256.digest());
    if (read != uploaded.size() || !stored.equals(uploaded.sha256())) {
      throw DeliveryFailures.of(
          DeliveryFailure.DESTINATION_UNAVAILABLE,
          "The stored object s3://"
              + settings.bucket()
              + "/"
              + settings.key()
              + " does not match what was sent ("
              + read
              + " bytes, sha256 "
              + stored
              + "; sent "
              + uploaded.size()
              + " bytes, sha256 "
              + uploaded.sha256()
              + ")");
    }
  }

  /** An S3 error answer as a typed failure. */
  static ApplicationFailure failure(
      S3Exception e, Settings settings, DeliveryCredentials credentials) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    int status = e.statusCode();
    String detail =
        DeliveryFailures.scrub(
            status
                + (code == null ? "" : " " + code)
                + (e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                    ? ""
                    : ": " + e.awsErrorDetails().errorMessage()),
            credentials);
    if ("NoSuchBucket".equals(code)) {
      return DeliveryFailures.of(
          DeliveryFailure.DESTINATION_NOT_FOUND,
          "S3 bucket " + settings.bucket() + " does not exist (" + detail + ")");
    }
    if (status == 401 || status == 403 || CREDENTIAL_ERRORS.contains(code)) {
      return DeliveryFailures.of(
          DeliveryFailure.CREDENTIALS_REJECTED, "S3 refused the credentials (" + detail + ")");
    }
    if (status >= 500 || status == 429 || "SlowDown".equals(code) || status == 408) {
      return DeliveryFailures.of(
          DeliveryFailure.DESTINATION_UNAVAILABLE, "S3 is unavailable (" + detail + ")");
    }
    return DeliveryFailures.of(
        DeliveryFailure.REQUEST_REJECTED, "S3 refused the request (" + detail + ")");
  }

  /** A failure of the client (no answer): refused by the guard, or a network error. */
  static ApplicationFailure failure(SdkClientException e, DeliveryCredentials credentials) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof GuardedDnsResolver.Refused refused) {
        return DeliveryFailures.of(DeliveryFailure.OUTBOUND_REFUSED, refused.getMessage());
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root == e
            ? e.getMessage()
            : e.getMessage()
                + " ("
                + root.getClass().getSimpleName()
                + ": "
                + root.getMessage()
                + ")";
    return DeliveryFailures.of(
        DeliveryFailure.DESTINATION_UNAVAILABLE,
        "S3 could not be reached: " + DeliveryFailures.scrub(message, credentials));
  }

  private static ApplicationFailure rejected(String message) {
    return DeliveryFailures.of(DeliveryFailure.REQUEST_REJECTED, message);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts the bytes written through it. */
  private static final class Counting extends FilterOutputStream {
    private final long[] count;

    Counting(OutputStream out, long[] count) {
      super(out);
      this.count = count;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count[0]++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count[0] += len;
    }
  }
}
