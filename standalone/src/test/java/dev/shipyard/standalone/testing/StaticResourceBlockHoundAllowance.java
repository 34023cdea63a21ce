package dev.shipyard.standalone.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The one blocking call BlockHound tolerates in these tests: Spring WebFlux's own static resource
 * resolver checks that a classpath resource (Swagger UI's files) is readable with a blocking file
 * read on the event loop. It is framework code, only on static-resource paths; everything else
 * stays strict.
 */
public class StaticResourceBlockHoundAllowance implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "org.springframework.web.reactive.resource.PathResourceResolver", "getResource");
  }
}
