package dev.shipyard.standalone.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The blocking calls BlockHound tolerates in these tests, both in library code and off the request
 * path; everything else stays strict:
 *
 * <ul>
 *   <li>Spring WebFlux's static resource resolver checks that a classpath resource (Swagger UI's
 *       files) is readable with a blocking file read on the event loop.
 *   <li>Closing an AWS SDK async client (when an API context stops) closes its Netty channel pools
 *       with a blocking wait on Netty's global executor thread. Refused, the close stalls for 5 s
 *       and leaves the pools half-closed.
 * </ul>
 */
public class BlockHoundAllowances implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "org.springframework.web.reactive.resource.PathResourceResolver", "getResource");
    builder.allowBlockingCallsInside("io.netty.channel.pool.SimpleChannelPool", "close");
  }
}
