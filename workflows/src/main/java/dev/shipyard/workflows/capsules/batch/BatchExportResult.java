package dev.shipyard.workflows.capsules.batch;

import java.util.List;

/**
 * A finished batch: every item's result, in the request's order (at most 50: bounded).
 *
 * @param total how many capsules the batch named
 * @param successful how many were exported
 * @param failed how many failed
 * @param results one per capsule
 */
public record BatchExportResult(
    int total, int successful, int failed, List<ExportItemResult> results) {

  public BatchExportResult {
    results = List.copyOf(results);
  }

  public static BatchExportResult of(List<ExportItemResult> results) {
    int ok = (int) results.stream().filter(ExportItemResult::succeeded).count();
    return new BatchExportResult(results.size(), ok, results.size() - ok, results);
  }

  /** One line for the Web UI and the run's details. */
  public String line() {
    return successful
        + " of "
        + total
        + " capsule(s) exported"
        + (failed == 0 ? "" : ", " + failed + " failed");
  }
}
