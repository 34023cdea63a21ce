package dev.shipyard.api.security;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link Clock} of the API: expiry, lockout and token times read it, so tests move a clock
 * instead of waiting. A context that already has a {@code Clock} (a test registering a mutable one
 * before refresh) keeps its own.
 */
@Configuration(proxyBeanMethods = false)
class ClockConfig {

  @Bean
  @ConditionalOnMissingBean(Clock.class)
  Clock clock() {
    return Clock.systemUTC();
  }
}
