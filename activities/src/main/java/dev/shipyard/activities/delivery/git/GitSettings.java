package dev.shipyard.activities.delivery.git;

import java.time.Duration;

/**
 * How the worker commits and pushes a git delivery.
 *
 * @param authorName author and committer name of every delivery commit ({@code
 *     DELIVERY_GIT_AUTHOR_NAME})
 * @param authorEmail their e-mail ({@code DELIVERY_GIT_AUTHOR_EMAIL})
 * @param allowFileRemotes whether {@code file://} remotes (and bare paths) are accepted: they read
 *     and write the worker's own disk, so they are off unless the operator turns them on ({@code
 *     DELIVERY_GIT_ALLOW_FILE_REMOTES})
 * @param timeout longest silence of one network read or write of a fetch or push
 */
public record GitSettings(
    String authorName, String authorEmail, boolean allowFileRemotes, Duration timeout) {

  public GitSettings {
    if (authorName == null
        || authorName.isBlank()
        || authorEmail == null
        || authorEmail.isBlank()) {
      throw new IllegalArgumentException("a git delivery needs an author name and e-mail");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a git delivery needs a positive timeout");
    }
  }

  /** Shipyard's identity, file remotes off, two minutes. */
  public static GitSettings defaults() {
    return new GitSettings("Shipyard", "shipyard@localhost", false, Duration.ofMinutes(2));
  }

  public GitSettings withFileRemotes(boolean allowed) {
    return new GitSettings(authorName, authorEmail, allowed, timeout);
  }
}
