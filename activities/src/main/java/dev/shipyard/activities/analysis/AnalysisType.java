package dev.shipyard.activities.analysis;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of analysis of builds-analysis-api.md ({@code analysis_types}). */
public enum AnalysisType {
  QUALITY,
  SECURITY,
  TYPES;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
