package dev.shipyard.activities.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.workflows.builds.BuildResults;
import java.util.Map;

/** {@code builds.results} as stored: the snake_case fields of builds-analysis-api.md. */
final class BuildResultsJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BuildResultsJson() {}

  static Map<String, Object> toMap(BuildResults r) {
    return r.toDocument();
  }

  static String write(BuildResults r) {
    try {
      return JSON.writeValueAsString(toMap(r));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
