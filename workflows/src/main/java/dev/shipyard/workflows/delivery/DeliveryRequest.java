package dev.shipyard.workflows.delivery;

import java.time.Duration;
import java.util.List;

/**
 * One delivery (capsules-api.md §4): a capsule version sent to one or more destinations, each by
 * its own activity. Bounded, and without secrets: each target carries a reference to its sealed
 * credentials, never the credentials.
 *
 * @param deliveryId the delivery's ID (a UUID)
 * @param capsuleId the capsule
 * @param versionId the version delivered (resolved by the API: the head of {@code main} unless
 *     named)
 * @param tenantId the caller's tenant
 * @param userId the caller (the delivery's owner)
 * @param targets the destinations, in the caller's order (1 to {@link #MAX_TARGETS})
 * @param retryWindow how long a destination is retried on failures that may pass, overriding the
 *     provider's {@link DeliveryProviders.Provider#retryWindow()} when not null (set from the API's
 *     configuration, since a workflow reads none)
 */
public record DeliveryRequest(
    String deliveryId,
    String capsuleId,
    String versionId,
    String tenantId,
    String userId,
    List<DeliveryTarget> targets,
    Duration retryWindow) {

  /** The run kind in {@code workflow_runs}. */
  public static final String KIND = "delivery";

  /** The most destinations one delivery may name. */
  public static final int MAX_TARGETS = 10;

  public DeliveryRequest {
    targets = List.copyOf(targets);
    if (targets.isEmpty() || targets.size() > MAX_TARGETS) {
      throw new IllegalArgumentException("A delivery has 1 to " + MAX_TARGETS + " destinations");
    }
  }

  /** The business ID of a delivery's workflow: {@code delivery-<delivery id>}. */
  public static String workflowId(String deliveryId) {
    return "delivery-" + deliveryId;
  }

  public String workflowId() {
    return workflowId(deliveryId);
  }

  /** What the destination step of {@code target} needs. */
  public DestinationRequest destination(DeliveryTarget target) {
    return new DestinationRequest(deliveryId, capsuleId, versionId, tenantId, userId, target);
  }

  /** How long {@code target} is retried: the configured override, else its provider's window. */
  public Duration retryWindow(DeliveryTarget target) {
    if (retryWindow != null && !retryWindow.isZero() && !retryWindow.isNegative()) {
      return retryWindow;
    }
    return DeliveryProviders.find(target.mode())
        .map(DeliveryProviders.Provider::retryWindow)
        .orElse(Duration.ofMinutes(5));
  }
}
