package dev.shipyard.api.web;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.ApiFamily;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundRefusedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Request-time check of URLs a caller wants Shipyard to call (webhooks): the outbound guard's
 * checks that need no DNS (scheme, host, metadata names, literal addresses), so the caller learns
 * at once. The worker checks the resolved address again when it connects.
 */
@Component
public class OutboundUrls {

  private final OutboundGuard guard;

  public OutboundUrls(@Value("${shipyard.outbound.allowed:}") String allowed) {
    this.guard = OutboundGuard.allowing(allowed);
  }

  /**
   * {@code url} when the guard accepts it, null when blank; otherwise throws the family's
   * validation error naming {@code field}.
   */
  public String require(String url, String field, ApiFamily family) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      guard.check(url);
      return url;
    } catch (OutboundRefusedException e) {
      throw new ApiException(
          ApiError.validation(family.validationStatus(), field, field + " " + e.getMessage()));
    }
  }
}
