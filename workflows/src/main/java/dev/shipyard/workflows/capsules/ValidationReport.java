package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * The measured quality of a generated project (capsules-api.md {@code validation}). The score is
 * the weighted share of checks that passed, over all checks including those that could not run.
 *
 * @param score 0..1
 * @param passed no failed check
 * @param productionReady score at or above the target and no failed blocking check
 * @param issues one line per failed or not-run check
 * @param recommendations what to do, from the failed checks; "Capsule meets quality targets" when
 *     there is nothing to do
 * @param checks every check, for the iteration history
 */
public record ValidationReport(
    double score,
    boolean passed,
    boolean productionReady,
    List<String> issues,
    List<String> recommendations,
    List<CheckResult> checks) {}
