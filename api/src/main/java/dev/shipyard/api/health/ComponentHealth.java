package dev.shipyard.api.health;

/**
 * The result of one real check of a component.
 *
 * @param name database, temporal, storage or cache
 * @param state healthy, unhealthy, or disabled (not configured, not required)
 * @param detail why it is unhealthy (no secrets: exception class and message of a connect error)
 * @param latencyMillis how long the check took
 */
public record ComponentHealth(String name, String state, String detail, long latencyMillis) {

  public static final String HEALTHY = "healthy";
  public static final String UNHEALTHY = "unhealthy";
  public static final String DISABLED = "disabled";

  public boolean failing() {
    return UNHEALTHY.equals(state);
  }
}
