package dev.shipyard.workflows.deployments;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One deployment, as long as it exists (workflow ID {@code deployment-<id>}): it owns the desired
 * state, reconciles it into the cluster, re-reads the cluster on a timer and on demand, and
 * continues as new before its history grows long. Every change is a Workflow Update whose validator
 * refuses an impossible transition (a start of a running deployment, anything but delete while a
 * change is under way, anything on a deleted one) before anything is recorded: the caller gets the
 * {@link DeploymentFailure#CONFLICT} failure, history and cluster stay as they were. The workflow
 * ends once the deployment is deleted.
 */
@WorkflowInterface
public interface DeploymentWorkflow {

  @WorkflowMethod
  void run(DeploymentInput input);

  /** The desired and the last observed state. */
  @QueryMethod
  DeploymentState state();

  @UpdateMethod
  ChangeResult update(SpecChange change);

  @UpdateValidatorMethod(updateName = "update")
  void validateUpdate(SpecChange change);

  @UpdateMethod
  ChangeResult scale(ScaleChange change);

  @UpdateValidatorMethod(updateName = "scale")
  void validateScale(ScaleChange change);

  /** Replicas to 0, the count remembered for {@code start}. */
  @UpdateMethod
  ChangeResult stop(Actor actor);

  @UpdateValidatorMethod(updateName = "stop")
  void validateStop(Actor actor);

  @UpdateMethod
  ChangeResult start(Actor actor);

  @UpdateValidatorMethod(updateName = "start")
  void validateStart(Actor actor);

  /** Deletes the objects (and the namespace when nothing else is in it); the workflow then ends. */
  @UpdateMethod
  ChangeResult delete(Actor actor);

  @UpdateValidatorMethod(updateName = "delete")
  void validateDelete(Actor actor);

  @UpdateMethod
  ChangeResult rollback(RollbackChange change);

  @UpdateValidatorMethod(updateName = "rollback")
  void validateRollback(RollbackChange change);

  @UpdateMethod
  ChangeResult addDomain(DomainChange change);

  @UpdateValidatorMethod(updateName = "addDomain")
  void validateAddDomain(DomainChange change);

  @UpdateMethod
  ChangeResult removeDomain(DomainRemoval change);

  @UpdateValidatorMethod(updateName = "removeDomain")
  void validateRemoveDomain(DomainRemoval change);

  @UpdateMethod
  ChangeResult putService(ServiceChange change);

  @UpdateValidatorMethod(updateName = "putService")
  void validatePutService(ServiceChange change);

  @UpdateMethod
  ChangeResult removeService(ServiceRemoval change);

  @UpdateValidatorMethod(updateName = "removeService")
  void validateRemoveService(ServiceRemoval change);

  /** Reads the cluster now and answers what it said (status endpoints). */
  @UpdateMethod
  ObservedState refresh();

  @UpdateValidatorMethod(updateName = "refresh")
  void validateRefresh();
}
