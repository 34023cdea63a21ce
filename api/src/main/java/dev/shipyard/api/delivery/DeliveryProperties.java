package dev.shipyard.api.delivery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Deliveries (README: Delivery).
 *
 * @param syncWait how long {@code POST /capsule/{id}/deliver} waits for the delivery before
 *     answering 202 with where to poll ({@code DELIVERY_WAIT})
 * @param retryWindow how long a destination is retried on failures that may pass, for every
 *     provider; unset: each provider's own window ({@code DELIVERY_RETRY_WINDOW})
 */
@ConfigurationProperties("shipyard.delivery")
public record DeliveryProperties(Duration syncWait, Duration retryWindow) {

  public DeliveryProperties {
    syncWait = syncWait == null ? Duration.ofSeconds(30) : syncWait;
    if (retryWindow != null && (retryWindow.isZero() || retryWindow.isNegative())) {
      retryWindow = null;
    }
  }
}
