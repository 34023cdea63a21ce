package dev.shipyard.outbound;

import java.io.IOException;

/**
 * An outbound dependency was not called because its breaker is open (it failed too often of late)
 * or its bulkhead is full (too many calls to it in flight): the call fails at once instead of
 * waiting for a timeout. Retryable: Temporal's retry policy does the waiting. The message names the
 * dependency (a host, never a path or credentials) and why.
 */
public class OutboundUnavailableException extends IOException {

  public OutboundUnavailableException(String message) {
    super(message);
  }
}
