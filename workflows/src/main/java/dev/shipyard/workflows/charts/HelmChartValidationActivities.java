package dev.shipyard.workflows.charts;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Loads the packaged chart from object storage, extracts it safely into a temporary directory
 * (paths, links and size bounds checked), runs strict {@code helm lint} and {@code helm template}
 * (helm-java), writes the rendered manifests to {@link HelmChartValidationRequest#renderedKey()}
 * and the messages to the version's row. CPU queue, long-step profile (heartbeats). Idempotent: a
 * retry rewrites the same objects and row.
 */
@ActivityInterface(namePrefix = "HelmChartValidation")
public interface HelmChartValidationActivities {

  @ActivityMethod
  HelmChartReport validate(HelmChartValidationRequest request);
}
