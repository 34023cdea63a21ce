package dev.shipyard.activities.delivery;

import java.util.Map;
import java.util.Optional;

/**
 * A destination's credentials, opened from their sealed row just before use. Its {@code toString}
 * names the keys only, so a credential in a log line or an exception message is impossible by
 * accident.
 */
public final class DeliveryCredentials {

  private static final DeliveryCredentials NONE = new DeliveryCredentials(Map.of());

  private final Map<String, String> values;

  private DeliveryCredentials(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static DeliveryCredentials of(Map<String, String> values) {
    return values == null || values.isEmpty() ? NONE : new DeliveryCredentials(values);
  }

  public static DeliveryCredentials none() {
    return NONE;
  }

  public Optional<String> get(String name) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** The credential, or a non-retryable {@code CREDENTIALS_UNAVAILABLE} failure naming it. */
  public String require(String name) {
    return get(name)
        .orElseThrow(
            () ->
                DeliveryFailures.of(
                    dev.shipyard.workflows.delivery.DeliveryFailure.CREDENTIALS_UNAVAILABLE,
                    "credential " + name + " is missing"));
  }

  /** Every value, for a scrubber that must make sure none of them leaves in a message. */
  public java.util.Collection<String> secrets() {
    return values.values();
  }

  @Override
  public String toString() {
    return "DeliveryCredentials" + values.keySet() + " (values hidden)";
  }
}
