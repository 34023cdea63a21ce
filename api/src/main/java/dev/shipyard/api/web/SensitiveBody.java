package dev.shipyard.api.web;

import java.util.LinkedHashMap;

/**
 * A JSON response body that carries secrets (tokens, a new API key). It serializes like any map,
 * but its {@code toString} names the keys only, because WebFlux's codecs log bodies at DEBUG.
 */
public final class SensitiveBody extends LinkedHashMap<String, Object> {

  @Override
  public String toString() {
    return "SensitiveBody" + keySet() + " (values hidden)";
  }
}
