package dev.shipyard.workflows.capsules;

import java.util.List;

/**
 * What a running generation answers to a query.
 *
 * @param status the current status
 * @param plan the plan, once made (else null)
 * @param iterations the validate rounds so far
 */
public record GenerationProgress(
    CapsuleStatus status, ProjectPlan plan, List<Iteration> iterations) {}
