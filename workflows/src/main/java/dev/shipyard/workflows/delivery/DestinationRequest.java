package dev.shipyard.workflows.delivery;

/** What the step of one destination needs: the version, the caller and the target. */
public record DestinationRequest(
    String deliveryId,
    String capsuleId,
    String versionId,
    String tenantId,
    String userId,
    DeliveryTarget target) {}
