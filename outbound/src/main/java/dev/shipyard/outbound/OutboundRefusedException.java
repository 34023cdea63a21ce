package dev.shipyard.outbound;

import java.io.IOException;

/**
 * A user-controlled URL the {@link OutboundGuard} refuses: nothing was sent. The message names the
 * host and the reason, never the path or query (they may carry tokens).
 */
public class OutboundRefusedException extends IOException {

  public OutboundRefusedException(String message) {
    super(message);
  }
}
