package dev.shipyard.activities.analysis;

/** Small helpers of the analyzers. */
final class Tools {

  private Tools() {}

  /** The last 500 characters of a tool's output, for a failure message. */
  static String tail(String output) {
    if (output == null) {
      return "";
    }
    String trimmed = output.strip();
    return trimmed.length() <= 500 ? trimmed : "…" + trimmed.substring(trimmed.length() - 500);
  }
}
