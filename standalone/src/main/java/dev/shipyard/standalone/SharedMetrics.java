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
 */
@Configuration(proxyBeanMethods = false)
class SharedMetrics {

  @Bean
  PrometheusRegistry prometheusRegistry() {
    return new PrometheusRegistry();
  }

  @Bean
  PrometheusMeterRegistry prometheusMeterRegistry(PrometheusRegistry registry) {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
  }
}
