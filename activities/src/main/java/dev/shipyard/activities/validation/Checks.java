package dev.shipyard.activities.validation;

import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;

/** Builds check results, and trims tool output into messages small enough for workflow history. */
final class Checks {

  static final int MAX_MESSAGE_LINES = 20;
  static final int MAX_MESSAGE_CHARS = 2000;

  private Checks() {}

  static CheckResult passed(
      String id, String category, String file, boolean blocking, double weight, String message) {
    return new CheckResult(
        id, category, file, CheckStatus.PASSED, blocking, weight, trim(message), null);
  }

  static CheckResult failed(
      String id,
      String category,
      String file,
      boolean blocking,
      double weight,
      String message,
      String recommendation) {
    return new CheckResult(
        id, category, file, CheckStatus.FAILED, blocking, weight, trim(message), recommendation);
  }

  static CheckResult notRun(
      String id,
      String category,
      String file,
      boolean blocking,
      double weight,
      String message,
      String recommendation) {
    return new CheckResult(
        id, category, file, CheckStatus.NOT_RUN, blocking, weight, trim(message), recommendation);
  }

  /** The first {@value #MAX_MESSAGE_LINES} lines, at most {@value #MAX_MESSAGE_CHARS} chars. */
  static String trim(String text) {
    if (text == null) {
      return null;
    }
    String stripped = text.strip();
    String[] lines = stripped.split("\\R", -1);
    StringBuilder out = new StringBuilder();
    int shown = Math.min(lines.length, MAX_MESSAGE_LINES);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(lines[i].stripTrailing());
    }
    boolean cut = shown < lines.length;
    if (out.length() > MAX_MESSAGE_CHARS) {
      out.setLength(MAX_MESSAGE_CHARS);
      cut = true;
    }
    if (cut) {
      out.append("\n… (").append(lines.length).append(" lines in all, trimmed)");
    }
    return out.toString();
  }

  /** The first line of a message, for the report's one-line issues. */
  static String firstLine(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String stripped = text.strip();
    int end = stripped.indexOf('\n');
    return end < 0 ? stripped : stripped.substring(0, end).strip();
  }
}
