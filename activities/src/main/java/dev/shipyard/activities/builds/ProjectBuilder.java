package dev.shipyard.activities.builds;

import dev.shipyard.activities.common.StepProgress;
import dev.shipyard.activities.sandbox.Ticker;
import java.nio.file.Path;

/**
 * Builds a project and runs its tests with the real toolchain of its stack (Maven for Java,
 * npm/node for JavaScript, python3 with pytest for Python), every command in the configured {@code
 * Sandbox}: dependencies installed (the only step with network), build, tests with coverage, the
 * test runner's report read back. A missing toolchain is a failed step that names it.
 */
public interface ProjectBuilder {

  /**
   * Builds the project whose files are in {@code workspace}, appending the output of every command
   * to {@code log} (also {@link BuildReport#log()}). The caller owns the log: when the build is
   * cancelled (the ticker throws) or breaks, what it holds so far is still there.
   */
  BuildReport build(Path workspace, Path log, StepProgress progress, Ticker ticker);
}
