package dev.shipyard.api.health;

import java.util.List;

/**
 * The outcome of checking every component: ready when none of the required ones (database,
 * temporal, storage, and cache when configured) is unhealthy.
 */
public record Readiness(List<ComponentHealth> components) {

  public boolean ready() {
    return components.stream().noneMatch(ComponentHealth::failing);
  }

  /** The names of the failing components, such as {@code [database]}. */
  public List<String> failing() {
    return components.stream().filter(ComponentHealth::failing).map(ComponentHealth::name).toList();
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
        .filter(ComponentHealth::failing)
        .map(c -> c.name() + " unavailable (" + c.detail() + ")")
        .reduce((a, b) -> a + "; " + b)
        .orElse("all components healthy");
  }
}
