package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * One validate round of a generation, for the queryable history.
 *
 * @param number 1 for the first generation, then one per refinement
 * @param phase {@code generate} or {@code refine}
 * @param fileSetDigest the files validated
 * @param score the measured score
 * @param productionReady whether that round met the target
 * @param issues the failed or not-run checks of that round
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
    long millis) {}
