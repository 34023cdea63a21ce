package dev.shipyard.workflows.charts;

import java.util.List;

/**
 * What helm said about one chart version, bounded ({@link #MAX_MESSAGES} messages of at most {@link
 * #MAX_MESSAGE_CHARS} characters each); the rendered manifests are in object storage.
 *
 * @param valid strict lint passed and the chart rendered
 * @param lintMessages {@code helm lint --strict}'s messages, as helm wrote them
 * @param renderMessages {@code helm template}'s error, when it failed
 * @param manifests how many manifests the chart rendered (0 when it did not)
 */
public record HelmChartReport(
    boolean valid, List<String> lintMessages, List<String> renderMessages, int manifests) {

  public static final int MAX_MESSAGES = 50;
  public static final int MAX_MESSAGE_CHARS = 1000;

  /** A short line for the run's details. */
  public String line() {
    return valid
        ? "helm lint --strict passed; " + manifests + " manifests rendered"
        : "helm refused the chart: " + first();
  }

  /** The first message helm gave (lint first, then render), or a fixed text when none. */
  public String first() {
    if (!renderMessages.isEmpty() && lintMessages.stream().noneMatch(m -> m.contains("ERROR"))) {
      return renderMessages.get(0);
    }
    return lintMessages.stream()
        .filter(m -> m.contains("ERROR"))
        .findFirst()
        .orElse(
            renderMessages.isEmpty()
                ? (lintMessages.isEmpty() ? "no message" : lintMessages.get(0))
                : renderMessages.get(0));
  }
}
