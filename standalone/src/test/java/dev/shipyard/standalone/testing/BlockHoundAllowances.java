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
 *   <li>The simulated cluster's API server (fabric8's mock server on Vert.x) answers requests on
 *       Vert.x's worker and internal blocking pools, which exist to block; as Netty threads they
 *       would count as non-blocking, and their idle wait for the next task would be refused.
 * </ul>
 */
public class BlockHoundAllowances implements BlockHoundIntegration {

  /** After the libraries' integrations (Netty's marks its threads non-blocking), to narrow them. */
  @Override
  public int getPriority() {
    return 1000;
  }

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "org.springframework.web.reactive.resource.PathResourceResolver", "getResource");
    builder.allowBlockingCallsInside("io.netty.channel.pool.SimpleChannelPool", "close");
    builder.nonBlockingThreadPredicate(
        current ->
            current.and(
                t ->
                    !t.getName().startsWith("vert.x-internal-blocking-")
                        && !t.getName().startsWith("vert.x-worker-thread-")));
  }
}
