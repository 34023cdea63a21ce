package dev.shipyard.worker;

import dev.shipyard.outbound.OutboundGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The outbound guard every activity calling a user-controlled URL uses (README: Outbound). */
@Configuration(proxyBeanMethods = false)
class OutboundBeans {

  private static final Logger log = LoggerFactory.getLogger(OutboundBeans.class);

  @Bean
  OutboundGuard outboundGuard(@Value("${shipyard.outbound.allowed:}") String allowed) {
    OutboundGuard guard = OutboundGuard.allowing(allowed);
    log.info("Outbound: user-controlled URLs may reach {}", guard);
    return guard;
  }
}
