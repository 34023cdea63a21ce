package dev.shipyard.workflows;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Custom search attributes that make Shipyard workflows findable in the Temporal Web UI. They are
 * registered at startup in local mode and by the {@code temporal-init} step of docker-compose.
 * Values are business identifiers only, never secrets.
 */
public final class ShipyardSearchAttributes {

  public static final SearchAttributeKey<String> TENANT =
      SearchAttributeKey.forKeyword("ShipyardTenant");
  public static final SearchAttributeKey<String> OWNER =
      SearchAttributeKey.forKeyword("ShipyardOwner");
  public static final SearchAttributeKey<String> KIND =
      SearchAttributeKey.forKeyword("ShipyardKind");
  public static final SearchAttributeKey<String> STATUS =
      SearchAttributeKey.forKeyword("ShipyardStatus");

  /** All of them, in registration order. */
  public static final List<SearchAttributeKey<String>> ALL = List.of(TENANT, OWNER, KIND, STATUS);

  private ShipyardSearchAttributes() {}
}
