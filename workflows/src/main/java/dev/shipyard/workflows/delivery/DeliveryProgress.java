package dev.shipyard.workflows.delivery;

import java.util.List;

/**
 * What a running delivery has done so far (its query): how many destinations there are and the
 * results of those that ended, in the order they ended.
 */
public record DeliveryProgress(int total, List<DestinationResult> ended) {

  public DeliveryProgress {
    ended = List.copyOf(ended);
  }
}
