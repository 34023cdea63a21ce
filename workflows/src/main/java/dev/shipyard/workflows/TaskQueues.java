package dev.shipyard.workflows;

/**
 * Every Temporal task queue Shipyard uses, one per feature. The API starts workflows on these
 * queues and the worker polls them (worker.yml lists which workflows and activities each serves).
 */
public final class TaskQueues {

  /** Platform-wide activities every workflow may call, such as the run projection. */
  public static final String PLATFORM = "shipyard-platform";

  /** Capsule generation: plan, generate, validate (compilers, parsers), refine, store. */
  public static final String CAPSULES = "shipyard-capsules";

  private TaskQueues() {}
}
