package dev.shipyard.activities.codegen;

import java.util.Map;

/**
 * What the caller asked for (capsules-api.md request body): free text and constraints such as
 * {@code language}, {@code framework}, {@code database}.
 */
public record GenerationSpec(
    String description, String requirements, Map<String, String> constraints) {

  public String constraint(String name) {
    return constraints == null ? null : constraints.get(name);
  }
}
