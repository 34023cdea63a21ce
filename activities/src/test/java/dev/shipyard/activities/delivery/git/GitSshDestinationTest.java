package dev.shipyard.activities.delivery.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.MemoryBlobStore;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git provider over ssh against an in-process Apache MINA SSHD server running JGit's git
 * commands: a client key made by the system's {@code ssh-keygen} (OpenSSH format), the server's
 * host key in {@code ssh_known_hosts}, the pushed branch read back with {@code git clone}.
 */
class GitSshDestinationTest {

  private static final Instant VERSION_TIME = Instant.parse("2026-11-30T09:15:00Z");

  @TempDir static Path repositories;
  @TempDir static Path keys;
  private static GitSshServer server;
  private static String privateKey;
  private static String otherPrivateKey;

  @TempDir Path work;

  private final MemoryBlobStore blobs = new MemoryBlobStore();
  private final GitDestination git =
      new GitDestination(
          new GitPusher(OutboundGuard.allowing("127.0.0.1/32"), GitSettings.defaults()));

  @BeforeAll
  static void start() throws Exception {
    privateKey = keygen("client");
    otherPrivateKey = keygen("other");
    server = GitSshServer.start(repositories, Files.readString(keys.resolve("client.pub")));
  }

  private static String keygen(String name) throws Exception {
    GitReadBack.run(
        keys,
        "ssh-keygen",
        "-q",
        "-t",
        "ecdsa",
        "-b",
        "256",
        "-N",
        "",
        "-C",
        name,
        "-f",
        keys.resolve(name).toString());
    return Files.readString(keys.resolve(name));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void deliversOverSshWithAKeyAndTheKnownHostKeyOnce() throws Exception {
    Path remote = GitReadBack.bare(repositories.resolve("service.git"));
    DeliveryContent version = version();
    DeliveryTarget target = new DeliveryTarget(0, "git", server.url("service.git"), Map.of(), null);

    DestinationResult first =
        git.deliver(version, target, ssh(privateKey, server.knownHostsLine()));

    assertThat(first.url()).isEqualTo(server.url("service.git"));
    assertThat(server.commands()).contains("git-receive-pack '/service.git'");
    Path clone = Files.createTempDirectory(work, "clone");
    GitReadBack.run(
        work,
        "git",
        "clone",
        "--quiet",
        "--branch",
        "main",
        remote.toUri().toString(),
        clone.toString());
    GitReadBack.assertSameFiles(clone, version);

    DestinationResult retry =
        git.deliver(version, target, ssh(privateKey, server.knownHostsLine()));
    assertThat(retry.metadata()).isEqualTo(first.metadata());
    assertThat(GitReadBack.commitCount(remote, "main")).isEqualTo(1);
  }

  @Test
  void aHostKeyNotInKnownHostsIsRefusedBeforeAnything() throws Exception {
    Path remote = GitReadBack.bare(repositories.resolve("spoofed.git"));

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version(),
                    new DeliveryTarget(0, "git", server.url("spoofed.git"), Map.of(), null),
                    ssh(privateKey, server.wrongKnownHostsLine())),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("REQUEST_REJECTED");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(server.commands()).noneMatch(c -> c.contains("spoofed.git"));
    assertThat(GitReadBack.commitCount(remote, "main")).isZero();
    GitReadBack.assertNoSecret(failure, privateKey.strip());
  }

  @Test
  void anUnauthorizedKeyIsCredentialsRejected() throws Exception {
    GitReadBack.bare(repositories.resolve("locked.git"));

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version(),
                    new DeliveryTarget(0, "git", server.url("locked.git"), Map.of(), null),
                    ssh(otherPrivateKey, server.knownHostsLine())),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("CREDENTIALS_REJECTED");
    assertThat(failure.getOriginalMessage()).doesNotContain("no keys to try"); // it was offered
    assertThat(server.commands()).noneMatch(c -> c.contains("locked.git"));
    GitReadBack.assertNoSecret(failure, otherPrivateKey.strip());
  }

  @Test
  void withoutKnownHostsOrPastTheGuardNothingConnects() {
    DeliveryTarget target = new DeliveryTarget(0, "git", server.url("any.git"), Map.of(), null);

    ApplicationFailure noHosts =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version(),
                    target,
                    DeliveryCredentials.of(Map.of("ssh_private_key", privateKey))),
            ApplicationFailure.class);
    ApplicationFailure refused =
        catchThrowableOfType(
            () ->
                new GitDestination(new GitPusher(OutboundGuard.strict(), GitSettings.defaults()))
                    .deliver(version(), target, ssh(privateKey, server.knownHostsLine())),
            ApplicationFailure.class);

    assertThat(noHosts.getType()).isEqualTo("CREDENTIALS_UNAVAILABLE");
    assertThat(noHosts.getOriginalMessage()).contains("ssh_known_hosts");
    assertThat(refused.getType()).isEqualTo("OUTBOUND_REFUSED");
    assertThat(refused.getOriginalMessage()).contains("127.0.0.1");
    assertThat(server.commands()).noneMatch(c -> c.contains("any.git"));
  }

  private DeliveryContent version() {
    return blobs.version("cap-ssh", "ver-1", VERSION_TIME, GitReadBack.files());
  }

  private static DeliveryCredentials ssh(String key, String knownHosts) {
    return DeliveryCredentials.of(Map.of("ssh_private_key", key, "ssh_known_hosts", knownHosts));
  }
}
