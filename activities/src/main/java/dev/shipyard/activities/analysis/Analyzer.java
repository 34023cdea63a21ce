package dev.shipyard.activities.analysis;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One real analyzer: which analyses it serves, whether it is installed, and its findings. */
interface Analyzer {

  /** The name findings carry, e.g. {@code bandit}. */
  String name();

  /** The analyses it contributes to. */
  Set<AnalysisType> types();

  /** Whether the project has files it analyses. */
  boolean appliesTo(ProjectKinds project);

  /** Why it cannot run here (not installed), or empty when it can. */
  Optional<String> missing(AnalysisSettings settings);

  /**
   * Runs it on the project.
   *
   * @throws AnalyzerFailedException when it ran but gave no readable report
   */
  List<Finding> analyze(AnalyzerContext context);

  /** The project's stacks, by its files. */
  record ProjectKinds(boolean python, boolean java, boolean javascript) {

    static ProjectKinds of(Iterable<String> paths) {
      boolean py = false;
      boolean java = false;
      boolean js = false;
      for (String path : paths) {
        py |= path.endsWith(".py");
        java |= path.endsWith(".java");
        js |= path.endsWith(".js") || path.endsWith(".mjs") || path.endsWith(".cjs");
      }
      return new ProjectKinds(py, java, js);
    }
  }

  /** An analyzer that ran and failed (crashed, timed out, wrote no report). */
  final class AnalyzerFailedException extends RuntimeException {
    AnalyzerFailedException(String message) {
      super(message);
    }
  }
}
