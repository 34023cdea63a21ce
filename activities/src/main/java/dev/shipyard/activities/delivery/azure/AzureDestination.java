package dev.shipyard.activities.delivery.azure;

import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.DeliveryDestination;
import dev.shipyard.activities.delivery.DeliveryFailures;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.storage.archive.ArchiveIntegrityException;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code azure} provider: the version's archive as one block blob in the container named by
 * {@code destination}, through the official {@code azure-storage-blob} client on {@link
 * GuardedHttpClient} (every connection checked by the outbound guard).
 *
 * <ul>
 *   <li>The archive is streamed from {@link DeliveryContent#writeArchive} into blocks of {@value
 *       #BLOCK_SIZE} bytes, each staged (with its MD5, which the service checks) as soon as it is
 *       full: one block in memory, no temporary file; its SHA-256 is computed on the way.
 *   <li>The blob name is {@link DeliveryContent#objectName} and the block IDs are the block's
 *       index: a retried attempt restages the same IDs and its commit replaces the blob, so a
 *       delivery leaves one blob whatever the number of attempts.
 *   <li>The commit sets the content type and the metadata {@code sha256}; the result has the blob
 *       URL, {@code sha256:<hex>} and, when the connection string has an account key, a read-only
 *       SAS URL valid {@code url_expiry_seconds} (default one hour).
 *   <li>Failures: a missing container is {@code DESTINATION_NOT_FOUND}; 401/403 (a wrong key, an
 *       expired SAS) {@code CREDENTIALS_REJECTED}; a malformed connection string {@code
 *       CREDENTIALS_REJECTED} too (before any request); other 4xx {@code REQUEST_REJECTED}; 408,
 *       429, 5xx and I/O errors the retryable {@code DESTINATION_UNAVAILABLE}; an endpoint the
 *       guard refuses {@code OUTBOUND_REFUSED}. Messages name the status and error code, never the
 *       service's text, and are scrubbed of the account key and SAS anyway.
 * </ul>
 */
public final class AzureDestination implements DeliveryDestination {

  public static final String MODE = "azure";

  /** Bytes per staged block: the upload's memory (50,000 blocks: archives up to 195 GiB). */
  public static final int BLOCK_SIZE = 4 * 1024 * 1024;

  static final long DEFAULT_URL_EXPIRY_SECONDS = 3600;
  static final long MAX_URL_EXPIRY_SECONDS = 7 * 24 * 3600;

  private static final Set<String> AUTH_CODES =
      Set.of(
          BlobErrorCode.AUTHENTICATION_FAILED.toString(),
          BlobErrorCode.AUTHORIZATION_FAILURE.toString(),
          BlobErrorCode.INSUFFICIENT_ACCOUNT_PERMISSIONS.toString(),
          BlobErrorCode.ACCOUNT_IS_DISABLED.toString(),
          "InvalidAuthenticationInfo",
          "NoAuthenticationInformation");

  /** The service's rule for container names ({@code $root} aside, which is not delivered to). */
  private static final Pattern CONTAINER_NAME =
      Pattern.compile("(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*");

  private final OutboundHttp http;
  private final OutboundBreakers breakers;
  private final int blockSize;

  /**
   * @param breakers the worker's breakers: one per storage endpoint ({@code
   *     azure-blob:<host>:<port>}), so an account that keeps failing fails its deliveries at once
   *     for a while
   */
  public AzureDestination(OutboundGuard guard, OutboundBreakers breakers) {
    this(guard, breakers, BLOCK_SIZE);
  }

  /** With another block size (tests: several blocks from a small archive). */
  AzureDestination(OutboundGuard guard, OutboundBreakers breakers, int blockSize) {
    this.http = new OutboundHttp(guard, Duration.ofSeconds(10), Duration.ofMinutes(2));
    this.breakers = breakers;
    this.blockSize = blockSize;
  }

  @Override
  public String mode() {
    return MODE;
  }

  @Override
  public DestinationResult deliver(
      DeliveryContent content, DeliveryTarget target, DeliveryCredentials credentials)
      throws Exception {
    String connectionString = credentials.require("connection_string");
    DeliveryCredentials secrets = secretsOf(connectionString);
    ArchiveFormat format =
        ArchiveFormat.fromExtension(target.option("format", ArchiveFormat.TAR_GZ.extension()))
            .orElseThrow(
                () ->
                    DeliveryFailures.of(
                        DeliveryFailure.REQUEST_REJECTED,
                        "option format must be one of " + ArchiveFormat.names()));
    long expiry = urlExpiry(target);
    String container = target.destination();
    if (container == null || !CONTAINER_NAME.matcher(container).matches()) {
      throw DeliveryFailures.of(
          DeliveryFailure.REQUEST_REJECTED,
          "destination must be an Azure container name: 3 to 63 lower-case letters, digits and"
              + " single hyphens, starting and ending with a letter or digit");
    }
    BlobServiceClient service = client(connectionString, secrets);
    String endpoint = service.getAccountUrl();
    try {
      http.guard().check(endpoint); // what needs no DNS; each connection is checked again
    } catch (OutboundRefusedException e) {
      throw DeliveryFailures.of(
          DeliveryFailure.OUTBOUND_REFUSED,
          DeliveryFailures.scrub("The Azure Blob endpoint " + e.getMessage(), secrets));
    }
    BlobContainerClient containerClient = service.getBlobContainerClient(container);
    String name = content.objectName(target.option("prefix", null), format);
    BlockBlobClient blob = containerClient.getBlobClient(name).getBlockBlobClient();
    URI account = URI.create(endpoint);
    OutboundBreakers.Dependency<String> storage =
        breakers.dependency(
            "azure-blob:" + account.getHost() + ":" + OutboundGuard.port(account),
            AzureDestination::outage);
    try {
      String sha256 =
          Heartbeats.during(
              "uploading " + name + " to Azure container " + container,
              () -> storage.call(() -> upload(content, format, blob)));
      String url = blobUrl(containerClient, name);
      // A SAS-only connection string cannot sign another SAS (and its own is not handed out).
      String signedUrl =
          secrets.get("account_key").isPresent() ? signedUrl(blob, url, expiry) : null;
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("container", container);
      metadata.put("blob", name);
      metadata.put("format", format.extension());
      return DestinationResult.delivered(target, url, signedUrl, "sha256:" + sha256, metadata);
    } catch (ApplicationFailure | ActivityCompletionException e) {
      throw e; // typed already, or the activity's cancel (Heartbeats)
    } catch (Exception e) {
      throw failure(e, container, secrets);
    }
  }

  /** Streams the archive into staged blocks and commits them; returns the archive's SHA-256. */
  private String upload(DeliveryContent content, ArchiveFormat format, BlockBlobClient blob)
      throws IOException {
    BlockStager stager = new BlockStager(blob, blockSize);
    content.writeArchive(format, stager);
    stager.finish();
    String sha256 = HexFormat.of().formatHex(stager.sha256.digest());
    Map<String, String> metadata = new HashMap<>();
    metadata.put("sha256", sha256);
    metadata.put("capsule_id", content.capsuleId());
    metadata.put("version_id", content.versionId());
    metadata.put("delivery_id", content.deliveryId());
    blob.commitBlockListWithResponse(
        new BlockBlobCommitBlockListOptions(stager.blockIds)
            .setHeaders(new BlobHttpHeaders().setContentType(format.contentType()))
            .setMetadata(metadata),
        null,
        Context.NONE);
    return sha256;
  }

  /** An output stream that stages a block each time {@code blockSize} bytes have been written. */
  private static final class BlockStager extends OutputStream {
    private final BlockBlobClient blob;
    private final byte[] block;
    private final MessageDigest sha256 = digest("SHA-256");
    private final List<String> blockIds = new ArrayList<>();
    private int filled;

    BlockStager(BlockBlobClient blob, int blockSize) {
      this.blob = blob;
      this.block = new byte[blockSize];
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      sha256.update(b, off, len);
      while (len > 0) {
        int n = Math.min(len, block.length - filled);
        System.arraycopy(b, off, block, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == block.length) {
          stage();
        }
      }
    }

    void finish() throws InterruptedIOException {
      if (filled > 0 || blockIds.isEmpty()) {
        stage();
      }
    }

    private void stage() throws InterruptedIOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("the delivery was cancelled"); // Heartbeats' interrupt
      }
      // Same length for every ID (the service requires it) and the same ID for the same block on
      // every attempt.
      String id =
          Base64.getEncoder()
              .encodeToString(
                  String.format(Locale.ROOT, "shipyard-%08d", blockIds.size())
                      .getBytes(StandardCharsets.US_ASCII));
      MessageDigest md5 = digest("MD5");
      md5.update(block, 0, filled);
      blob.stageBlockWithResponse(
          new BlockBlobStageBlockOptions(
                  id, BinaryData.fromByteBuffer(ByteBuffer.wrap(block, 0, filled)))
              .setContentMd5(md5.digest()),
          null,
          Context.NONE);
      blockIds.add(id);
      filled = 0;
    }
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private BlobServiceClient client(String connectionString, DeliveryCredentials secrets) {
    try {
      return new BlobServiceClientBuilder()
          .connectionString(connectionString)
          .httpClient(new GuardedHttpClient(http))
          .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
          // Retries happen in one layer (DESIGN.md §7): the activity's, which restages the same
          // blocks; the SDK tries each request once.
          .retryOptions(
              new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Duration) null, null, null, null))
          .buildClient();
    } catch (RuntimeException e) {
      // The SDK's message may quote the connection string: none of it is passed on.
      throw DeliveryFailures.of(
          DeliveryFailure.CREDENTIALS_REJECTED,
          "credential connection_string is not a valid Azure Storage connection string");
    }
  }

  /**
   * The blob's URL without query (a SAS of the connection string stays out), its name's slashes
   * kept: the SDK's {@code getBlobUrl} encodes them as {@code %2F}, which the service accepts but
   * nobody reads.
   */
  private static String blobUrl(BlobContainerClient container, String name) {
    StringBuilder url = new StringBuilder(withoutQuery(container.getBlobContainerUrl()));
    for (String segment : name.split("/")) {
      url.append('/')
          .append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return url.toString();
  }

  /** A read-only service SAS URL of the blob, signed with the account key. */
  private static String signedUrl(BlockBlobClient blob, String url, long expirySeconds) {
    OffsetDateTime expiry = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(expirySeconds);
    String sas =
        blob.generateSas(
            new BlobServiceSasSignatureValues(
                expiry, new BlobSasPermission().setReadPermission(true)));
    return url + "?" + sas;
  }

  private static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private static long urlExpiry(DeliveryTarget target) {
    String raw = target.option("url_expiry_seconds", Long.toString(DEFAULT_URL_EXPIRY_SECONDS));
    try {
      long seconds = Long.parseLong(raw.trim());
      if (seconds >= 1 && seconds <= MAX_URL_EXPIRY_SECONDS) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw DeliveryFailures.of(
        DeliveryFailure.REQUEST_REJECTED,
        "option url_expiry_seconds must be a whole number from 1 to " + MAX_URL_EXPIRY_SECONDS);
  }

  /**
   * The values a message must not show: the connection string, its account key and shared access
   * signature, and the SAS's signature (raw and decoded).
   */
  static DeliveryCredentials secretsOf(String connectionString) {
    Map<String, String> secrets = new HashMap<>();
    secrets.put("connection_string", connectionString);
    for (String part : connectionString.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equalsIgnoreCase("AccountKey")) {
        secrets.put("account_key", value);
      } else if (key.equalsIgnoreCase("SharedAccessSignature")) {
        secrets.put("sas", value);
        for (String param : value.replaceFirst("^\\?", "").split("&")) {
          if (param.startsWith("sig=")) {
            String sig = param.substring(4);
            secrets.put("sas_sig", sig);
            secrets.put("sas_sig_decoded", URLDecoder.decode(sig, StandardCharsets.UTF_8));
          }
        }
      }
    }
    return DeliveryCredentials.of(secrets);
  }

  /** Whether {@code e} says the storage endpoint is failing (not: it refused the request). */
  static boolean outage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BlobStorageException storage) {
        int status = storage.getStatusCode();
        return status >= 500 || status == 408 || status == 429;
      }
      if (t instanceof OutboundRefusedException
          || t instanceof GuardedHttpClient.Refused
          || t instanceof InterruptedIOException) {
        return false;
      }
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** The typed failure of an exception of the upload. */
  static ApplicationFailure failure(Throwable e, String container, DeliveryCredentials secrets) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof GuardedHttpClient.Refused || t instanceof OutboundRefusedException) {
        return DeliveryFailures.of(
            DeliveryFailure.OUTBOUND_REFUSED,
            DeliveryFailures.scrub("The Azure Blob endpoint " + t.getMessage(), secrets));
      }
      if (t instanceof ArchiveIntegrityException missing) {
        return DeliveryFailures.of(
            DeliveryFailure.CONTENT_MISSING, DeliveryFailures.scrub(missing.getMessage(), secrets));
      }
      if (t instanceof BlobStorageException storage) {
        return storageFailure(storage, container, secrets);
      }
    }
    String detail =
        e instanceof UncheckedIOException || e instanceof IOException
            ? e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
            : e.getClass().getSimpleName();
    return DeliveryFailures.of(
        DeliveryFailure.DESTINATION_UNAVAILABLE,
        DeliveryFailures.scrub(
            "Azure Blob container " + container + " could not be reached: " + detail, secrets));
  }

  private static ApplicationFailure storageFailure(
      BlobStorageException e, String container, DeliveryCredentials secrets) {
    int status = e.getStatusCode();
    String code = e.getErrorCode() == null ? "" : e.getErrorCode().toString();
    String answer = "Azure Blob Storage answered " + status + (code.isEmpty() ? "" : " " + code);
    DeliveryFailure failure;
    String message;
    if (status == 404 && (code.isEmpty() || code.equals("ContainerNotFound"))) {
      failure = DeliveryFailure.DESTINATION_NOT_FOUND;
      message = "Azure Blob container " + container + " does not exist (" + answer + ")";
    } else if (status == 401 || status == 403 || AUTH_CODES.contains(code)) {
      failure = DeliveryFailure.CREDENTIALS_REJECTED;
      message =
          "Azure Blob Storage refused the credentials for container "
              + container
              + " ("
              + answer
              + ")";
    } else if (status == 408 || status == 429 || status >= 500) {
      failure = DeliveryFailure.DESTINATION_UNAVAILABLE;
      message = answer + " for container " + container;
    } else {
      failure = DeliveryFailure.REQUEST_REJECTED;
      message = answer + " for container " + container;
    }
    return DeliveryFailures.of(failure, DeliveryFailures.scrub(message, secrets));
  }
}
