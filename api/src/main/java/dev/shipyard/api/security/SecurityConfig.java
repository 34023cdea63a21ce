package dev.shipyard.api.security;

import dev.shipyard.api.ratelimit.RateLimitFilter;
import dev.shipyard.api.ratelimit.RateLimits;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Stateless bearer security. The chain authenticates (access token or API key), then applies rate
 * limits, and lets the request through; each handler declares what it needs with
 * {@code @PreAuthorize} (or {@link PublicEndpoint}), enforced by method security. Unknown routes
 * stay 404.
 *
 * <p>Spring Security's own observations (a timer per filter of the chain and per authorization
 * decision, on every request) are off: they cost about a tenth of the CPU of an authenticated read
 * (JFR, bench/README.md) and add nothing the HTTP server metrics do not already show.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
@EnableConfigurationProperties(AuthProperties.class)
class SecurityConfig {

  @Bean
  static SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  SecurityWebFilterChain securityChain(
      ServerHttpSecurity http,
      CallerAuthenticator authenticator,
      RateLimits rateLimits,
      AccessFailures failures) {
    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        // SecurityHeadersFilter sets the documented headers on every response.
        .headers(ServerHttpSecurity.HeaderSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .addFilterAt(
            new BearerAuthenticationFilter(authenticator), SecurityWebFiltersOrder.AUTHENTICATION)
        .addFilterAfter(new RateLimitFilter(rateLimits), SecurityWebFiltersOrder.AUTHENTICATION)
        .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
        .exceptionHandling(
            handling -> handling.authenticationEntryPoint(failures).accessDeniedHandler(failures))
        .build();
  }
}
