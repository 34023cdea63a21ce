package dev.shipyard.activities.delivery.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.LocalS3;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.ContentAddress;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.S3BlobStore;
import dev.shipyard.storage.S3Clients;
import dev.shipyard.storage.archive.ArchiveFormat;
import dev.shipyard.storage.archive.ArchiveWriter;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import dev.shipyard.workflows.delivery.DeliveryProviders;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code azure} provider against Azurite (Microsoft's emulator, started here), delivering a
 * version whose files are in the real local S3 server: the blob is read back with the Azure SDK (on
 * its own JDK HTTP client, not the provider's) and through the SAS URL over plain HTTP, byte-equal
 * with what {@link ArchiveWriter} writes for the same manifest; the typed failures; the outbound
 * guard at connect time.
 */
class AzureDestinationTest {

  /** A small block size, so a 3 MiB archive is several staged blocks. */
  private static final int BLOCK = 1024 * 1024;

  /**
   * The worker's breakers, opening after 2 calls of which half failed (the unanswered endpoint).
   */
  private static final OutboundBreakers BREAKERS =
      new OutboundBreakers(new OutboundBreakers.Settings(50, 2, 2, Duration.ofMinutes(1), 1, 25));

  @TempDir static Path dir;

  private static LocalS3 s3Server;
  private static S3Client s3;
  private static Azurite azurite;
  private static BlobStore blobs;
  private static FileManifest manifest;
  private static BlobServiceClient reader;
  private static OutboundGuard loopbackAllowed;

  @BeforeAll
  static void start() throws Exception {
    s3Server = LocalS3.start(Files.createDirectories(dir.resolve("s3")));
    s3 = S3Clients.sync(s3Server.settings());
    blobs = new S3BlobStore(s3, s3Server.settings());
    List<FileManifest.Entry> files = new ArrayList<>();
    files.add(store("README.md", "# Delivered\n".getBytes(StandardCharsets.UTF_8)));
    files.add(store("src/app.py", "print('hi')\n".repeat(400).getBytes(StandardCharsets.UTF_8)));
    byte[] noise = new byte[3 * 1024 * 1024 + 123]; // incompressible: the archive is > 3 blocks
    new Random(7).nextBytes(noise);
    files.add(store("data/noise.bin", noise));
    manifest = FileManifest.of(files);

    azurite = Azurite.start(dir.resolve("azurite"));
    // The reader is independent of the code under test: the SDK's own JDK HTTP client.
    reader =
        new BlobServiceClientBuilder()
            .connectionString(azurite.connectionString(Azurite.KEY))
            .buildClient();
    loopbackAllowed = OutboundGuard.allowing("127.0.0.1:" + azurite.port());
  }

  @AfterAll
  static void stop() {
    if (azurite != null) {
      azurite.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (s3Server != null) {
      s3Server.close();
    }
  }

  private static FileManifest.Entry store(String path, byte[] bytes) {
    ContentAddress address =
        blobs.putContentAddressed(new ByteArrayInputStream(bytes), "application/octet-stream");
    return new FileManifest.Entry(path, address.sha256(), address.size());
  }

  private static DeliveryContent content(String deliveryId) {
    return new DeliveryContent("cap-azure", "ver-1", deliveryId, manifest, blobs);
  }

  private static byte[] archive(ArchiveFormat format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ArchiveWriter(blobs).write(manifest, format, out);
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static BlobContainerClient newContainer() {
    BlobContainerClient container =
        reader.getBlobContainerClient("c" + UUID.randomUUID().toString().replace("-", ""));
    container.create();
    return container;
  }

  private static DeliveryTarget target(String container, Map<String, String> options) {
    return new DeliveryTarget(0, "azure", container, options, "cred-1");
  }

  private static DeliveryCredentials credentials(String connectionString) {
    return DeliveryCredentials.of(Map.of("connection_string", connectionString));
  }

  private static List<String> names(BlobContainerClient container) {
    return container.listBlobs(new ListBlobsOptions(), null).stream()
        .map(BlobItem::getName)
        .toList();
  }

  @Test
  void theRegistryListsAzureWithItsCredentialAndOptions() {
    DeliveryProviders.Provider azure = DeliveryProviders.find("azure").orElseThrow();
    assertThat(azure.requiredCredentials()).containsExactly("connection_string");
    assertThat(azure.options()).containsExactly("prefix", "format", "url_expiry_seconds");
    assertThat(new AzureDestination(OutboundGuard.strict(), BREAKERS).mode())
        .isEqualTo(azure.name());
  }

  @Test
  void deliversTheArchiveInBlocksReadBackBySdkAndSasUrl() throws Exception {
    BlobContainerClient container = newContainer();
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);

    DestinationResult result =
        azure.deliver(
            content("del-1"),
            target(container.getBlobContainerName(), Map.of("prefix", "/deliveries/")),
            credentials(azurite.connectionString(Azurite.KEY)));

    byte[] expected = archive(ArchiveFormat.TAR_GZ);
    String name = "deliveries/cap-azure_ver-1_del-1.tar.gz";
    assertThat(result.success()).isTrue();
    assertThat(result.checksum()).isEqualTo("sha256:" + sha256(expected));
    assertThat(result.url())
        .isEqualTo(azurite.blobEndpoint() + "/" + container.getBlobContainerName() + "/" + name);
    assertThat(result.metadata())
        .containsEntry("blob", name)
        .containsEntry("container", container.getBlobContainerName())
        .containsEntry("format", "tar.gz");

    var blob = container.getBlobClient(name);
    assertThat(blob.downloadContent().toBytes()).isEqualTo(expected);
    BlobProperties properties = blob.getProperties();
    assertThat(properties.getContentType()).isEqualTo("application/gzip");
    assertThat(properties.getMetadata())
        .containsEntry("sha256", sha256(expected))
        .containsEntry("delivery_id", "del-1");
    // Streamed as blocks of BLOCK bytes: the committed list is exactly that, all staged blocks
    // used.
    BlockList blocks = blob.getBlockBlobClient().listBlocks(BlockListType.ALL);
    assertThat(blocks.getCommittedBlocks()).hasSize((expected.length + BLOCK - 1) / BLOCK);
    assertThat(blocks.getCommittedBlocks()).hasSizeGreaterThan(3);
    assertThat(blocks.getUncommittedBlocks()).isEmpty();

    // The SAS URL over plain HTTP, no credentials: the same bytes; read-only.
    assertThat(result.signedUrl()).startsWith(result.url() + "?").contains("sp=r").contains("sig=");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<byte[]> download =
        http.send(
            HttpRequest.newBuilder(URI.create(result.signedUrl())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(expected);
    HttpResponse<String> overwrite =
        http.send(
            HttpRequest.newBuilder(URI.create(result.signedUrl()))
                .header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofString("replaced"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(overwrite.statusCode()).isEqualTo(403);
    assertThat(blob.downloadContent().toBytes()).isEqualTo(expected);
  }

  @Test
  void aRetriedDeliveryOverwritesItsOwnBlob() throws Exception {
    BlobContainerClient container = newContainer();
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);
    DeliveryTarget target = target(container.getBlobContainerName(), Map.of("format", "zip"));
    DeliveryCredentials credentials = credentials(azurite.connectionString(Azurite.KEY));
    String name = "cap-azure_ver-1_del-2.zip";
    // A first attempt that died after staging two blocks (its IDs are the provider's): the retry
    // restages and commits, leaving neither a second blob nor stray blocks.
    var blob = container.getBlobClient(name).getBlockBlobClient();
    for (int i = 0; i < 2; i++) {
      String id =
          Base64.getEncoder()
              .encodeToString(
                  String.format("shipyard-%08d", i).getBytes(StandardCharsets.US_ASCII));
      blob.stageBlock(id, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
    }

    DestinationResult first = azure.deliver(content("del-2"), target, credentials);
    DestinationResult second = azure.deliver(content("del-2"), target, credentials);

    byte[] expected = archive(ArchiveFormat.ZIP);
    assertThat(names(container)).containsExactly(name);
    assertThat(blob.downloadContent().toBytes()).isEqualTo(expected);
    assertThat(second.checksum())
        .isEqualTo(first.checksum())
        .isEqualTo("sha256:" + sha256(expected));
    assertThat(blob.listBlocks(BlockListType.ALL).getUncommittedBlocks()).isEmpty();
    assertThat(blob.getProperties().getContentType()).isEqualTo("application/zip");
  }

  @Test
  void aSasConnectionStringDeliversWithoutHandingItsSasOut() throws Exception {
    BlobContainerClient container = newContainer();
    String sas =
        container.generateSas(
            new BlobServiceSasSignatureValues(
                OffsetDateTime.now(ZoneOffset.UTC).plusHours(1),
                new BlobContainerSasPermission().setWritePermission(true)));
    String connectionString =
        "BlobEndpoint=" + azurite.blobEndpoint() + ";SharedAccessSignature=" + sas;
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);

    DestinationResult result =
        azure.deliver(
            content("del-9"),
            target(container.getBlobContainerName(), Map.of()),
            credentials(connectionString));

    assertThat(result.signedUrl()).isNull();
    assertThat(result.url()).doesNotContain("?").doesNotContain("sig=");
    assertThat(container.getBlobClient("cap-azure_ver-1_del-9.tar.gz").downloadContent().toBytes())
        .isEqualTo(archive(ArchiveFormat.TAR_GZ));
  }

  /** A delivery run as an activity, to see its heartbeats. */
  @ActivityInterface
  public interface DeliverOnce {
    String deliver(String container, String deliveryId);
  }

  @Test
  void heartbeatsWhileItUploads() {
    BlobContainerClient container = newContainer();
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);
    List<String> beats = new CopyOnWriteArrayList<>();
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.setActivityHeartbeatListener(String.class, beats::add);
      env.registerActivitiesImplementations(
          new DeliverOnce() {
            @Override
            public String deliver(String containerName, String deliveryId) {
              try {
                return azure
                    .deliver(
                        content(deliveryId),
                        target(containerName, Map.of()),
                        credentials(azurite.connectionString(Azurite.KEY)))
                    .checksum();
              } catch (Exception e) {
                throw Activity.wrap(e);
              }
            }
          });
      DeliverOnce activity =
          env.newActivityStub(
              DeliverOnce.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(2))
                  .setHeartbeatTimeout(Duration.ofSeconds(10))
                  .build());

      assertThat(activity.deliver(container.getBlobContainerName(), "del-10"))
          .startsWith("sha256:");
    } finally {
      env.close();
    }
    assertThat(beats)
        .isNotEmpty()
        .allMatch(
            beat ->
                beat.equals(
                    "uploading cap-azure_ver-1_del-10.tar.gz to Azure container "
                        + container.getBlobContainerName()));
  }

  @Test
  void aMissingContainerIsDestinationNotFound() {
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);
    assertThatThrownBy(
            () ->
                azure.deliver(
                    content("del-3"),
                    target("no-such-container", Map.of()),
                    credentials(azurite.connectionString(Azurite.KEY))))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DeliveryFailure.DESTINATION_NOT_FOUND.name());
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains("no-such-container")
                  .contains("404 ContainerNotFound");
            });
    assertThat(reader.getBlobContainerClient("no-such-container").exists()).isFalse();
  }

  @Test
  void aWrongAccountKeyIsCredentialsRejectedAndNoMessageHoldsIt() {
    BlobContainerClient container = newContainer();
    byte[] wrong = new byte[64];
    new Random(3).nextBytes(wrong);
    String wrongKey = Base64.getEncoder().encodeToString(wrong);
    String connectionString = azurite.connectionString(wrongKey);
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);

    assertThatThrownBy(
            () ->
                azure.deliver(
                    content("del-4"),
                    target(container.getBlobContainerName(), Map.of()),
                    credentials(connectionString)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DeliveryFailure.CREDENTIALS_REJECTED.name());
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).contains("403");
              assertNoSecret(f, wrongKey, connectionString);
            });
    assertThat(names(container)).isEmpty();
  }

  @Test
  void aMalformedConnectionStringIsRejectedWithoutBeingQuoted() {
    String malformed = "AccountName=devstoreaccount1;AccountKey=" + Azurite.KEY + ";no-equals-sign";
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);
    assertThatThrownBy(
            () -> azure.deliver(content("del-5"), target("any", Map.of()), credentials(malformed)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DeliveryFailure.CREDENTIALS_REJECTED.name());
              assertThat(f.isNonRetryable()).isTrue();
              assertNoSecret(f, Azurite.KEY, malformed);
            });
  }

  @Test
  void anInvalidContainerNameIsRejectedBeforeAnyRequest() {
    AzureDestination azure = new AzureDestination(OutboundGuard.strict(), BREAKERS, BLOCK);
    for (String name : List.of("ab", "Upper", "double--hyphen", "-start", "end-", "a/b")) {
      assertThatThrownBy(
              () ->
                  azure.deliver(
                      content("del-11"),
                      target(name, Map.of()),
                      credentials(azurite.connectionString(Azurite.KEY))))
          .as(name)
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(DeliveryFailure.REQUEST_REJECTED.name());
                assertThat(f.isNonRetryable()).isTrue();
              });
    }
  }

  @Test
  void theMetadataAddressIsRefused() {
    String connectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
            + Azurite.KEY
            + ";BlobEndpoint=http://169.254.169.254/devstoreaccount1;";
    AzureDestination azure = new AzureDestination(loopbackAllowed, BREAKERS, BLOCK);
    assertThatThrownBy(
            () ->
                azure.deliver(
                    content("del-6"),
                    target("deliveries", Map.of()),
                    credentials(connectionString)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DeliveryFailure.OUTBOUND_REFUSED.name());
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).contains("169.254.169.254");
              assertNoSecret(f, Azurite.KEY, connectionString);
            });
  }

  @Test
  void loopbackIsRefusedAtConnectTimeUnlessTheGuardAllowsIt() throws Exception {
    BlobContainerClient container = newContainer();
    // A DNS name (passes the no-DNS check) that resolves to loopback: refused when connecting.
    String connectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
            + Azurite.KEY
            + ";BlobEndpoint=http://localhost:"
            + azurite.port()
            + "/devstoreaccount1;";
    AzureDestination strict = new AzureDestination(OutboundGuard.strict(), BREAKERS, BLOCK);
    assertThatThrownBy(
            () ->
                strict.deliver(
                    content("del-7"),
                    target(container.getBlobContainerName(), Map.of()),
                    credentials(connectionString)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(DeliveryFailure.OUTBOUND_REFUSED.name());
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).contains("localhost resolves to 127.0.0.1");
            });
    assertThat(names(container)).isEmpty();

    // The same endpoint with loopback allowed (as the tests and the local platform allow it).
    AzureDestination allowing =
        new AzureDestination(OutboundGuard.allowing("127.0.0.0/8"), BREAKERS, BLOCK);
    DestinationResult result =
        allowing.deliver(
            content("del-7"),
            target(container.getBlobContainerName(), Map.of()),
            credentials(connectionString));
    assertThat(result.success()).isTrue();
    assertThat(names(container)).containsExactly("cap-azure_ver-1_del-7.tar.gz");
  }

  @Test
  void anEndpointThatDoesNotAnswerIsRetryableUnavailableThenItsBreakerOpens() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String connectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
            + Azurite.KEY
            + ";BlobEndpoint=http://127.0.0.1:"
            + closed
            + "/devstoreaccount1;";
    AzureDestination azure =
        new AzureDestination(OutboundGuard.allowing("127.0.0.1/32"), BREAKERS, BLOCK);
    for (int attempt = 1; attempt <= 3; attempt++) {
      boolean breakerOpen = attempt == 3;
      assertThatThrownBy(
              () ->
                  azure.deliver(
                      content("del-8"),
                      target("deliveries", Map.of()),
                      credentials(connectionString)))
          .as("attempt %d", attempt)
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(DeliveryFailure.DESTINATION_UNAVAILABLE.name());
                assertThat(f.isNonRetryable()).isFalse();
                // The first two tried and failed to connect; then the breaker fails it at once.
                assertThat(
                        f.getOriginalMessage()
                            .contains("azure-blob:127.0.0.1:" + closed + " is failing"))
                    .isEqualTo(breakerOpen);
                assertNoSecret(f, Azurite.KEY, connectionString);
              });
    }
  }

  @Test
  void secretsOfAConnectionStringCoverItsKeyAndSasSignature() {
    String sas = "sv=2021-08-06&ss=b&srt=co&sp=rwl&se=2030-01-01T00:00:00Z&sig=ab%2Bcd%2Fef%3D";
    DeliveryCredentials secrets =
        AzureDestination.secretsOf(
            "BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=" + sas);
    String scrubbed =
        dev.shipyard.activities.delivery.DeliveryFailures.scrub(
            "GET https://acct.blob.core.windows.net/c?" + sas + " failed; sig ab+cd/ef= rejected",
            secrets);
    assertThat(scrubbed).doesNotContain("ab%2Bcd%2Fef%3D").doesNotContain("ab+cd/ef=");
  }

  private static void assertNoSecret(ApplicationFailure failure, String... secrets) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      for (String secret : secrets) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
        assertThat(t.toString()).doesNotContain(secret);
      }
    }
  }
}
