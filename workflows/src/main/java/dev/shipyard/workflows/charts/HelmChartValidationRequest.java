package dev.shipyard.workflows.charts;

/**
 * What a chart validation needs: where the packaged chart is and where the rendered manifests go,
 * in object storage (the archive itself never enters workflow history).
 *
 * @param workflowId {@link #workflowId(String, String)} of the chart and version
 * @param chartId the chart's ID
 * @param name the chart's name (its {@code Chart.yaml} name)
 * @param version the SemVer 2 version validated
 * @param tenantId the owning tenant
 * @param ownerId the owning user
 * @param packageKey the object key of the packaged chart ({@code .tgz})
 * @param renderedKey the object key the rendered manifests are written to
 */
public record HelmChartValidationRequest(
    String workflowId,
    String chartId,
    String name,
    String version,
    String tenantId,
    String ownerId,
    String packageKey,
    String renderedKey) {

  /** The {@code workflow_runs} kind. */
  public static final String KIND = "helm-chart";

  /** The business ID: one validation per chart and version. */
  public static String workflowId(String chartId, String version) {
    return "helm-chart-" + chartId + "@" + version;
  }
}
