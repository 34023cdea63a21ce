package dev.shipyard.workflows.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one registry of delivery providers. {@code GET /delivery/providers} lists it, the API checks
 * a delivery config against it, the workflow takes each destination's retry window from it, and the
 * worker refuses to start when a provider here has no implementation ({@code
 * activities/.../delivery}) or an implementation is not here: a provider cannot exist in one place
 * and not the other. A new provider is one entry here and one {@code DeliveryDestination}.
 */
public final class DeliveryProviders {

  /**
   * A provider: its {@code mode}, the credentials it requires and accepts, its options, and how
   * long a destination of it is retried on failures that may pass (network errors, 5xx).
   */
  public record Provider(
      String name,
      String description,
      List<String> requiredCredentials,
      List<String> optionalCredentials,
      List<String> options,
      Duration retryWindow) {

    /** Whether {@code credential} is one this provider reads. */
    public boolean accepts(String credential) {
      return requiredCredentials.contains(credential) || optionalCredentials.contains(credential);
    }
  }

  public static final List<Provider> ALL =
      List.of(
          new Provider(
              "s3",
              "Amazon S3 or any S3-compatible storage (MinIO, ...): the archive uploaded as one"
                  + " object, with its SHA-256 and a presigned URL",
              List.of("access_key_id", "secret_access_key"),
              List.of("session_token"),
              List.of("region", "prefix", "format", "endpoint", "path_style", "url_expiry_seconds"),
              Duration.ofMinutes(5)),
          new Provider(
              "azure",
              "Azure Blob Storage (or Azurite): the archive uploaded as one block blob to the"
                  + " container named by destination, with its SHA-256 and a read-only SAS URL",
              List.of("connection_string"),
              List.of(),
              List.of("prefix", "format", "url_expiry_seconds"),
              Duration.ofMinutes(5)),
          new Provider(
              "github",
              "A GitHub repository (owner/repo; created when missing): the version's files"
                  + " committed to a branch over HTTPS, or to a delivery branch with a pull request",
              List.of("token"),
              List.of(),
              List.of("branch", "create_pr", "private", "base_branch", "message", "api_url"),
              Duration.ofMinutes(5)),
          new Provider(
              "git",
              "Any git remote (its URL): https with a token or basic credentials, ssh with a key"
                  + " and known hosts, file:// where the operator allows it; the version's files"
                  + " committed to a branch",
              List.of(),
              List.of("token", "username", "password", "ssh_private_key", "ssh_known_hosts"),
              List.of("branch", "message"),
              Duration.ofMinutes(5)));

  private DeliveryProviders() {}

  public static Optional<Provider> find(String mode) {
    return ALL.stream().filter(p -> p.name().equals(mode)).findFirst();
  }

  public static List<String> names() {
    return ALL.stream().map(Provider::name).toList();
  }
}
