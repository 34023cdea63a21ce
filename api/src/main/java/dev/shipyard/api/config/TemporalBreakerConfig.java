package dev.shipyard.api.config;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API's breaker in front of Temporal ({@link TemporalBreaker}) and its metrics. */
@Configuration(proxyBeanMethods = false)
class TemporalBreakerConfig {

  @Bean
  TemporalBreaker temporalBreaker(MeterRegistry meters) {
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(TemporalBreaker.config());
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    return new TemporalBreaker(registry.circuitBreaker("temporal"));
  }

  @Bean
  TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> temporalBreakerInterceptor(
      TemporalBreaker breaker) {
    return builder -> builder.setGrpcClientInterceptors(List.of(breaker));
  }
}
