package dev.shipyard.workflows.delivery;

import java.util.Map;

/**
 * The outcome of one destination (capsules-api.md §4 {@code destinations[]}): where the capsule
 * went ({@code url}), a time-limited link when the provider has one ({@code signed_url}), the
 * archive's {@code sha256:<hex>} checksum when an archive was delivered, provider details ({@code
 * metadata}: branch, commit, pr_url, object key, ...), and on failure the typed {@code failure} and
 * its message.
 */
public record DestinationResult(
    String mode,
    String destination,
    boolean success,
    String url,
    String signedUrl,
    String checksum,
    Map<String, String> metadata,
    DeliveryFailure failure,
    String error) {

  public DestinationResult {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  public static DestinationResult delivered(
      DeliveryTarget target,
      String url,
      String signedUrl,
      String checksum,
      Map<String, String> metadata) {
    return new DestinationResult(
        target.mode(), target.destination(), true, url, signedUrl, checksum, metadata, null, null);
  }

  public static DestinationResult failed(
      DeliveryTarget target, DeliveryFailure failure, String error) {
    return new DestinationResult(
        target.mode(), target.destination(), false, null, null, null, Map.of(), failure, error);
  }
}
