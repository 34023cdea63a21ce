package dev.shipyard.workflows.delivery;

import java.util.Map;

/**
 * One destination of a delivery as the workflow carries it: the provider ({@code mode}), where to
 * (bucket, container, {@code owner/repo}, remote URL), its options, and a reference to its sealed
 * credentials (a row the API wrote; {@code null} when the destination needs none). Never the
 * credentials themselves.
 */
public record DeliveryTarget(
    int index, String mode, String destination, Map<String, String> options, String credentialRef) {

  public DeliveryTarget {
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  public String option(String name, String fallback) {
    String value = options.get(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
