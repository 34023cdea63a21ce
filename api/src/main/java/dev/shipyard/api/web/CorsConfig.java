package dev.shipyard.api.web;

import dev.shipyard.api.config.ShipyardProperties;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/** CORS for the origins listed in {@code CORS_ORIGINS}; none by default. */
@Configuration(proxyBeanMethods = false)
class CorsConfig {

  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE + 3)
  CorsWebFilter corsWebFilter(ShipyardProperties properties) {
    CorsConfiguration cors = new CorsConfiguration();
    List<String> origins = properties.http().corsOrigins();
    cors.setAllowedOrigins(
        origins == null ? List.of() : origins.stream().filter(o -> !o.isBlank()).toList());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
    cors.setAllowedHeaders(List.of("Authorization", "Content-Type", RequestIds.HEADER));
    cors.setExposedHeaders(
        List.of(
            RequestIds.HEADER,
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "Retry-After",
            "Location",
            "Content-Disposition",
            "X-Capsule-Manifest-Sha256",
            "X-Capsule-Version",
            "X-Capsule-Version-Number"));
    cors.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", cors);
    return new CorsWebFilter(source);
  }
}
