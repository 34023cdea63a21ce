package dev.shipyard.standalone;

import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Parent context of the api and worker contexts in the local platform: one Prometheus registry, so
 * the API's {@code /actuator/prometheus} shows HTTP, Temporal client and Temporal worker metrics
 * together. (Deployed separately, each process exposes its own.)
 *
 * <p>Closing an API or worker context must not close this registry: Spring Boot's {@code
 * MeterRegistryCloser} in a child context closes every registry it can see, the parent's included,
 * and a closed registry silently stops recording (tests that stop an extra API instance would leave
 * the others without new metrics). A Prometheus registry is pulled, so it has nothing to flush on
 * close: closing is a no-op here.
 */
@Configuration(proxyBeanMethods = false)
class SharedMetrics {

  @Bean
  PrometheusRegistry prometheusRegistry() {
    return new PrometheusRegistry();
  }

  @Bean
  PrometheusMeterRegistry prometheusMeterRegistry(PrometheusRegistry registry) {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM) {
      @Override
      public void close() {
        // shared by every context of the platform: see above
      }
    };
  }
}
