package dev.shipyard.activities.sandbox;

import java.time.Duration;
import java.util.function.Supplier;

/** Sandboxes for the absence of one. */
public final class Sandboxes {

  /**
   * No sandbox configured: runs nothing and answers {@link SandboxResult.Outcome#NOT_FOUND}, so the
   * step names its tool as missing instead of running it unsandboxed.
   */
  public static final Sandbox NONE =
      new Sandbox() {
        @Override
        public SandboxResult run(SandboxCommand command, Ticker ticker) {
          return new SandboxResult(
              SandboxResult.Outcome.NOT_FOUND, -1, command.log(), 0, Duration.ZERO);
        }

        @Override
        public String name() {
          return "none";
        }
      };

  /**
   * A sandbox that asks {@code current} for the sandbox to use at each run (e.g. the worker's
   * sandbox bean, {@link #NONE} while there is none).
   */
  public static Sandbox resolving(Supplier<Sandbox> current) {
    return new Sandbox() {
      @Override
      public SandboxResult run(SandboxCommand command, Ticker ticker) {
        return current.get().run(command, ticker);
      }

      @Override
      public String name() {
        return current.get().name();
      }
    };
  }

  private Sandboxes() {}
}
