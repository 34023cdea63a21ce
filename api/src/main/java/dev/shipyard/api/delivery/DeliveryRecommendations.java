package dev.shipyard.api.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * capsules-api.md §4 {@code recommendations}: what to do about each failed destination, from its
 * typed cause ({@code DeliveryFailure}).
 */
final class DeliveryRecommendations {

  private DeliveryRecommendations() {}

  static List<String> of(List<DeliveryBodies.Destination> destinations) {
    List<String> out = new ArrayList<>();
    for (DeliveryBodies.Destination d : destinations) {
      if (d.success() || d.errorCode() == null) {
        continue;
      }
      String where = d.mode() + " destination " + d.destination();
      out.add(
          switch (d.errorCode()) {
            case "CREDENTIALS_REJECTED" ->
                "Check the credentials of the "
                    + where
                    + ": it refused them (wrong, revoked or without write access)";
            case "DESTINATION_NOT_FOUND" ->
                "Create the " + where + " or correct its name: it does not exist";
            case "REQUEST_REJECTED" ->
                "Check the options of the " + where + ": it refused the request";
            case "OUTBOUND_REFUSED" ->
                "The "
                    + where
                    + " resolves to an address the platform does not call; use a public endpoint"
                    + " or ask the operator to allow it (OUTBOUND_ALLOWED)";
            case "CONTENT_MISSING" ->
                "The delivered version's files are missing from storage; create a new version";
            case "CREDENTIALS_UNAVAILABLE" ->
                "The credentials of the "
                    + where
                    + " could not be opened (a deleted target?); send them again";
            default ->
                "The "
                    + where
                    + " could not be reached within its retry window; deliver again later";
          });
    }
    return out;
  }
}
