package dev.shipyard.api.health;

import java.util.List;

/**
 * The outcome of checking every component: ready when none of the required ones (database,
 * temporal, storage) is unhealthy. The cache (Redis) is reported but does not decide readiness:
 * without it, rate limits fall back to each instance's memory, so taking every replica out of
 * service would only turn a degraded state into an outage.
 */
public record Readiness(List<ComponentHealth> components) {

  /** The component whose failure degrades the API without making it unready. */
  static final String OPTIONAL = "cache";

  public boolean ready() {
    return failing().isEmpty();
  }

  /** The names of the failing required components, such as {@code [database]}. */
  public List<String> failing() {
    return components.stream()
        .filter(c -> c.failing() && !OPTIONAL.equals(c.name()))
        .map(ComponentHealth::name)
        .toList();
  }

  /** {@code {"database": "healthy", ...}} plus {@code "api": "healthy"}. */
  public java.util.Map<String, String> states() {
    java.util.Map<String, String> states = new java.util.LinkedHashMap<>();
    states.put("api", ComponentHealth.HEALTHY);
    components.forEach(c -> states.put(c.name(), c.state()));
    return states;
  }

  /** One line naming each failing component and why, for error bodies and logs. */
  public String summary() {
    return components.stream()
        .filter(c -> c.failing() && !OPTIONAL.equals(c.name()))
        .map(c -> c.name() + " unavailable (" + c.detail() + ")")
        .reduce((a, b) -> a + "; " + b)
        .orElse("all components healthy");
  }
}
