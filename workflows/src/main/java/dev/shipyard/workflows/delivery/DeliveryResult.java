package dev.shipyard.workflows.delivery;

import java.util.List;

/**
 * The outcome of a delivery: one {@link DestinationResult} per target in the request's order, and
 * the counts of capsules-api.md §4 {@code summary}.
 */
public record DeliveryResult(
    int totalDestinations, int successful, int failed, List<DestinationResult> destinations) {

  public DeliveryResult {
    destinations = List.copyOf(destinations);
  }

  public static DeliveryResult of(List<DestinationResult> destinations) {
    int ok = (int) destinations.stream().filter(DestinationResult::success).count();
    return new DeliveryResult(destinations.size(), ok, destinations.size() - ok, destinations);
  }

  /** The run's details line: {@code 1 of 2 destination(s) delivered, 1 failed}. */
  public String line() {
    return successful
        + " of "
        + totalDestinations
        + " destination(s) delivered"
        + (failed == 0 ? "" : ", " + failed + " failed");
  }
}
