package dev.shipyard.activities.validation;

import java.time.Duration;
import java.util.Objects;

/**
 * The external tools {@link RealChecksValidator} runs, and how.
 *
 * @param python the Python 3 interpreter: a path, or a name looked up on PATH ({@code python3})
 * @param node the Node.js executable ({@code node})
 * @param processTimeout the limit of each external process; it is killed (with its children) after
 * @param runTests whether to add the {@code tests.run} check where the generated tests can run
 */
public record Toolchains(String python, String node, Duration processTimeout, boolean runTests) {

  public Toolchains {
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(node, "node");
    if (processTimeout == null || processTimeout.isNegative() || processTimeout.isZero()) {
      throw new IllegalArgumentException("processTimeout must be positive");
    }
  }

  /** {@code python3} and {@code node} from PATH, 60 s per process, tests run where they can. */
  public static Toolchains defaults() {
    return new Toolchains("python3", "node", Duration.ofSeconds(60), true);
  }

  public Toolchains withPython(String python) {
    return new Toolchains(python, node, processTimeout, runTests);
  }

  public Toolchains withNode(String node) {
    return new Toolchains(python, node, processTimeout, runTests);
  }

  public Toolchains withProcessTimeout(Duration processTimeout) {
    return new Toolchains(python, node, processTimeout, runTests);
  }

  public Toolchains withRunTests(boolean runTests) {
    return new Toolchains(python, node, processTimeout, runTests);
  }
}
