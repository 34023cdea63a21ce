package dev.shipyard.activities.delivery.git;

import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.DeliveryDestination;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code git} provider: the version's files committed to {@code branch} (default {@code main})
 * of any remote ({@code destination} is its URL) with {@link GitPusher}. Result: the remote's URL
 * without credentials, and {@code branch} and {@code commit} in the metadata.
 */
public final class GitDestination implements DeliveryDestination {

  /** The branch when the target names none. */
  public static final String DEFAULT_BRANCH = "main";

  private final GitPusher pusher;

  public GitDestination(GitPusher pusher) {
    this.pusher = pusher;
  }

  @Override
  public String mode() {
    return "git";
  }

  @Override
  public DestinationResult deliver(
      DeliveryContent content, DeliveryTarget target, DeliveryCredentials credentials) {
    GitPusher.Remote remote = pusher.parse(target.destination());
    String branch = target.option("branch", DEFAULT_BRANCH);
    GitPusher.Pushed pushed =
        pusher.push(
            remote,
            branch,
            null,
            content,
            target.option("message", message(content)),
            commitTime(content),
            credentials);
    return DestinationResult.delivered(
        target, remote.shown(), null, null, Map.of("branch", branch, "commit", pushed.commit()));
  }

  /** The default commit message: which capsule version this is. */
  public static String message(DeliveryContent content) {
    return "Capsule "
        + content.capsuleId()
        + " version "
        + content.versionId()
        + "\n\nDelivered by Shipyard ("
        + content.manifest().entries().size()
        + " files, manifest sha256:"
        + content.manifest().digest()
        + ")";
  }

  /**
   * The commit's time: the version's, so every attempt makes the same commit; the Unix epoch when
   * the version's time is not known (still the same on every attempt).
   */
  public static Instant commitTime(DeliveryContent content) {
    return content.versionCreatedAt().orElse(Instant.EPOCH);
  }
}
