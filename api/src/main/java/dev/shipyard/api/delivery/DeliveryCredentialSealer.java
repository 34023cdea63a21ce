package dev.shipyard.api.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.secrets.SecretBox;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Seals a destination's credentials with the {@link SecretBox} of {@code SECRETS_KEYS} (AES-GCM,
 * key ID rotation), bound to the row that will hold them ({@code delivery-credentials:<id>}, the
 * context the worker opens them under), so a sealed value copied to another row does not open.
 * Without {@code SECRETS_KEYS} credentials are refused with 503 naming it.
 */
@Component
class DeliveryCredentialSealer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectProvider<SecretBox> box;

  DeliveryCredentialSealer(ObjectProvider<SecretBox> box) {
    this.box = box;
  }

  /** The credentials sealed for a new row. */
  DeliveryStore.SealedCredentials seal(Map<String, String> credentials) {
    SecretBox secrets = box.getIfAvailable();
    if (secrets == null) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "SERVICE_UNAVAILABLE",
          "Delivery credentials cannot be stored: SECRETS_KEYS is not configured");
    }
    UUID id = Secrets.uuid();
    String plaintext;
    try {
      plaintext = JSON.writeValueAsString(new TreeMap<>(credentials));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("credentials could not be serialised");
    }
    // the same context string as the worker's DeliveryDestinationActivitiesImpl.sealingContext
    return new DeliveryStore.SealedCredentials(
        id, secrets.seal("delivery-credentials:" + id, plaintext));
  }
}
