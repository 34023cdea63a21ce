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
   * Builds the project whose files are in {@code workspace}, writing the output of every command to
   * {@link BuildReport#log()}.
   */
  BuildReport build(Path workspace, StepProgress progress, Ticker ticker);
}
