package dev.shipyard.activities.delivery;

import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;

/**
 * One provider of {@code DeliveryProviders} (its {@link #mode()}): puts a capsule version where a
 * {@link DeliveryTarget} says, with the credentials opened for it at the last moment. An
 * implementation is idempotent (a retried or replayed attempt creates no duplicate: object keys
 * from {@link DeliveryContent#objectName}, the same commit for the same tree and parent, an
 * existing repository or pull request found before one is created), sends every user-controlled
 * address through the outbound guard, heartbeats while it uploads (through {@code Heartbeats}),
 * never puts a credential in a message, a log line or its result, and fails with {@link
 * DeliveryFailures}.
 */
public interface DeliveryDestination {

  /** The provider's name in {@code DeliveryProviders}: {@code s3}, {@code azure}, ... */
  String mode();

  DestinationResult deliver(
      DeliveryContent content, DeliveryTarget target, DeliveryCredentials credentials)
      throws Exception;
}
