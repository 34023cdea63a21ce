package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * One validate round of a generation, for the queryable history. Bounded: at most {@link
 * ValidationSummary#MAX_LINES} issues travel; the round's full report is under {@code reportKey}.
 *
 * @param number 1 for the first generation, then one per refinement
 * @param phase {@code generate} or {@code refine}
 * @param fileSetDigest the files validated
 * @param score the measured score
 * @param productionReady whether that round met the target
 * @param issues the first failed or not-run checks of that round
 * @param issueCount how many issues that round had
 * @param reportKey object key of that round's full report
 * @param millis workflow time from the start of the round's generate or refine step to the end of
 *     its validation
 */
public record Iteration(
    int number,
    String phase,
    String fileSetDigest,
    double score,
    boolean productionReady,
    List<String> issues,
    int issueCount,
    String reportKey,
    long millis) {}
