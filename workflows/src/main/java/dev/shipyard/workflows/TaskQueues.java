package dev.shipyard.workflows;

/**
 * Every Temporal task queue Shipyard uses, by resource class: a queue's worker has its own
 * concurrency limit, so a burst of compiles never delays a status write. {@link WorkerRegistry}
 * says which workflows and activities each serves.
 */
public final class TaskQueues {

  /**
   * Short I/O: bookkeeping (the run projection), object storage and events (webhooks). Many at
   * once.
   */
  public static final String PLATFORM = "shipyard-platform";

  /** Capsule generation workflows and their engine steps (plan, generate, refine: LLM calls). */
  public static final String CAPSULES = "shipyard-capsules";

  /** Build workflows (their steps run on {@link #CAPSULES} and {@link #CPU}). */
  public static final String BUILDS = "shipyard-builds";

  /**
   * CPU-heavy steps: validation (compilers, parsers, generated tests) now; builds and analyses
   * next. Its worker runs at most as many activities at once as the machine has cores (default).
   */
  public static final String CPU = "shipyard-cpu";

  /**
   * Deployment entity workflows and their cluster calls (Kubernetes API I/O, rollout watches that
   * mostly wait), apart from builds so a burst of compiles never delays a rollback.
   */
  public static final String DEPLOYMENTS = "shipyard-deployments";

  private TaskQueues() {}
}
