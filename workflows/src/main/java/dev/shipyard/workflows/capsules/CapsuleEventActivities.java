package dev.shipyard.workflows.capsules;

import io.temporal.activity.ActivityInterface;

/** The capsule's events: recorded in {@code capsule_events}, delivered as signed webhooks. */
@ActivityInterface(namePrefix = "CapsuleEvents")
public interface CapsuleEventActivities {

  /** Records the {@code capsule.created} event and sends the signed webhook, if one was asked. */
  void emitCreated(GenerationRequest request, double score);
}
