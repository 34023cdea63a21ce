package dev.shipyard.activities.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.common.Heartbeats;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.storage.archive.ArchiveIntegrityException;
import dev.shipyard.workflows.delivery.DeliveryDestinationActivities;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import dev.shipyard.workflows.delivery.DeliveryProviders;
import dev.shipyard.workflows.delivery.DestinationRequest;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The destination step: reads the version's checked manifest, opens the target's sealed credentials
 * ({@code delivery_credentials}, V9) at the last moment, and hands both to the {@link
 * DeliveryDestination} of the target's mode, heartbeating through {@link Heartbeats}. The set of
 * destinations must be exactly {@link DeliveryProviders#names()}: the worker does not start
 * otherwise. An untyped failure becomes a retryable {@code DESTINATION_UNAVAILABLE} whose message
 * is scrubbed of the credentials.
 */
public class DeliveryDestinationActivitiesImpl implements DeliveryDestinationActivities {

  /** The context a target's credentials are sealed under (bound as associated data). */
  public static String sealingContext(String credentialId) {
    return "delivery-credentials:" + credentialId;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, DeliveryDestination> destinations;
  private final JdbcTemplate jdbc;
  private final BlobStore blobs;
  private final Supplier<SecretBox> box;

  public DeliveryDestinationActivitiesImpl(
      List<DeliveryDestination> destinations,
      JdbcTemplate jdbc,
      BlobStore blobs,
      Supplier<SecretBox> box) {
    Set<String> implemented =
        destinations.stream().map(DeliveryDestination::mode).collect(Collectors.toSet());
    Set<String> registered = Set.copyOf(DeliveryProviders.names());
    if (implemented.size() != destinations.size() || !implemented.equals(registered)) {
      throw new IllegalStateException(
          "The delivery destinations "
              + new TreeSet<>(implemented)
              + " (one bean per mode) must be exactly the providers of DeliveryProviders "
              + new TreeSet<>(registered));
    }
    this.destinations =
        destinations.stream()
            .collect(Collectors.toMap(DeliveryDestination::mode, Function.identity()));
    this.jdbc = jdbc;
    this.blobs = blobs;
    this.box = box;
  }

  @Override
  public DestinationResult deliver(DestinationRequest request) {
    DeliveryDestination destination = destinations.get(request.target().mode());
    if (destination == null) {
      throw DeliveryFailures.of(
          DeliveryFailure.REQUEST_REJECTED, "Unknown delivery mode " + request.target().mode());
    }
    // opened inside the step, so the step heartbeats from its start; kept for scrubbing messages
    DeliveryCredentials[] opened = {DeliveryCredentials.none()};
    try {
      return Heartbeats.during(
          "delivering to " + request.target().mode() + " " + request.target().destination(),
          () -> {
            Version version = version(request);
            DeliveryContent content =
                new DeliveryContent(
                    request.capsuleId(),
                    request.versionId(),
                    request.deliveryId(),
                    version.manifest(),
                    blobs,
                    version.createdAt());
            opened[0] = credentials(request);
            return destination.deliver(content, request.target(), opened[0]);
          });
    } catch (ActivityCompletionException | ApplicationFailure e) {
      throw e;
    } catch (ArchiveIntegrityException e) {
      throw DeliveryFailures.of(
          DeliveryFailure.CONTENT_MISSING, DeliveryFailures.scrub(e.getMessage(), opened[0]));
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw DeliveryFailures.of(
          DeliveryFailure.DESTINATION_UNAVAILABLE, DeliveryFailures.scrub(message, opened[0]));
    }
  }

  /** A version's checked manifest and when it was made (a git commit's time). */
  private record Version(FileManifest manifest, java.time.Instant createdAt) {}

  /** The version's manifest, checked against its digest, and its creation time. */
  private Version version(DestinationRequest request) {
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "SELECT manifest_key, manifest_sha256, created_at FROM capsule_versions"
                + " WHERE capsule_id = ? AND id = ?",
            request.capsuleId(),
            request.versionId());
    if (rows.isEmpty()) {
      throw DeliveryFailures.of(
          DeliveryFailure.CONTENT_MISSING,
          "Version " + request.versionId() + " of capsule " + request.capsuleId() + " is gone");
    }
    String key = (String) rows.get(0).get("manifest_key");
    byte[] bytes =
        blobs
            .get(key)
            .orElseThrow(
                () ->
                    DeliveryFailures.of(
                        DeliveryFailure.CONTENT_MISSING, "The manifest " + key + " is missing"));
    if (!FileManifest.sha256(bytes).equals(rows.get(0).get("manifest_sha256"))) {
      throw DeliveryFailures.of(
          DeliveryFailure.CONTENT_MISSING, "The manifest " + key + " does not match its digest");
    }
    Object created = rows.get(0).get("created_at");
    return new Version(
        FileManifest.parse(bytes), created instanceof java.sql.Timestamp t ? t.toInstant() : null);
  }

  /** The target's credentials, opened from their sealed row; the row must be the caller's. */
  private DeliveryCredentials credentials(DestinationRequest request) {
    String ref = request.target().credentialRef();
    if (ref == null) {
      return DeliveryCredentials.none();
    }
    UUID id;
    UUID owner;
    try {
      id = UUID.fromString(ref);
      owner = UUID.fromString(request.userId());
    } catch (IllegalArgumentException e) {
      throw unavailable("the credential reference is not valid");
    }
    List<String> sealed =
        jdbc.queryForList(
            "SELECT sealed FROM delivery_credentials WHERE id = ? AND owner_id = ?",
            String.class,
            id,
            owner);
    if (sealed.isEmpty()) {
      throw unavailable("the credentials are gone (a deleted target or a finished delivery)");
    }
    SecretBox secrets = box.get();
    if (secrets == null) {
      throw unavailable("SECRETS_KEYS is not set on the worker");
    }
    try {
      Map<String, String> values =
          JSON.readValue(
              secrets.open(sealingContext(ref), sealed.get(0)), new TypeReference<>() {});
      return DeliveryCredentials.of(values);
    } catch (SecretBox.SecretBoxException e) {
      throw unavailable("the credentials do not open: " + e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw unavailable("the opened credentials are not a JSON object");
    }
  }

  private static ApplicationFailure unavailable(String why) {
    return DeliveryFailures.of(
        DeliveryFailure.CREDENTIALS_UNAVAILABLE, "Credentials unavailable: " + why);
  }
}
