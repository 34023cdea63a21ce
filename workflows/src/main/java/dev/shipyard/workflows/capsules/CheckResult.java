package dev.shipyard.workflows.capsules;

/**
 * One validation check of a generated project.
 *
 * @param id stable identifier, such as {@code python.compile:app/main.py} or {@code docker.present}
 * @param category {@code compile}, {@code syntax}, {@code structure}, {@code security}, {@code
 *     tests}, {@code config}
 * @param file the file checked, or null for project-wide checks
 * @param status passed, failed, or not run
 * @param blocking whether a failure keeps the project from being production-ready
 * @param weight the check's share in the score
 * @param message what was found (for failures: the compiler's or parser's words, trimmed)
 * @param recommendation what to do about a failure, or null
 */
public record CheckResult(
    String id,
    String category,
    String file,
    CheckStatus status,
    boolean blocking,
    double weight,
    String message,
    String recommendation) {}
