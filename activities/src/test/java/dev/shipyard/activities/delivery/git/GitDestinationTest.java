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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git provider against real remotes: a bare repository over {@code file://} and JGit's {@code
 * GitServlet} over http with basic authentication. Every delivery is read back with the system's
 * {@code git clone} and compared byte for byte with the version's blobs.
 */
class GitDestinationTest {

  private static final String USER = "deployer";
  private static final String PASSWORD = "s3cret-Pa55word!";
  private static final Instant VERSION_TIME = Instant.parse("2026-11-30T09:15:00Z");

  @TempDir static Path repositories;
  private static GitHttpServer server;

  @TempDir Path work;

  private final MemoryBlobStore blobs = new MemoryBlobStore();
  private final GitPusher pusher =
      new GitPusher(
          OutboundGuard.allowing("127.0.0.1/32"), GitSettings.defaults().withFileRemotes(true));
  private final GitDestination git = new GitDestination(pusher);

  @BeforeAll
  static void startServer() throws Exception {
    server = GitHttpServer.start(repositories, USER, PASSWORD);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  void deliversToFileRemoteOnceAndGitCloneReadsTheSameBytes() throws Exception {
    Path remote = GitReadBack.bare(work.resolve("remote.git"));
    DeliveryContent version = version("ver-1", GitReadBack.files());
    DeliveryTarget target =
        new DeliveryTarget(0, "git", remote.toUri().toString(), Map.of("branch", "main"), null);

    DestinationResult first = git.deliver(version, target, DeliveryCredentials.none());

    assertThat(first.success()).isTrue();
    assertThat(first.url()).isEqualTo(remote.toUri().toString());
    assertThat(first.metadata()).containsEntry("branch", "main").containsKey("commit");
    Path clone = gitClone(remote.toUri().toString(), "main");
    GitReadBack.assertSameFiles(clone, version);
    assertThat(GitReadBack.git(clone, "log", "--format=%H %an <%ae> %aI %cI", "main"))
        .isEqualTo(
            first.metadata().get("commit")
                + " Shipyard <shipyard@localhost> 2026-11-30T09:15:00+00:00 2026-11-30T09:15:00+00:00");

    // A retried delivery of the same version: the same commit, nothing new on the branch.
    DestinationResult again = git.deliver(version, target, DeliveryCredentials.none());
    assertThat(again.metadata().get("commit")).isEqualTo(first.metadata().get("commit"));
    assertThat(GitReadBack.commitCount(remote, "main")).isEqualTo(1);
  }

  @Test
  void deliversOverHttpWithBasicAuthThenANewVersionOnTop() throws Exception {
    GitReadBack.bare(repositories.resolve("service.git"));
    String url = server.url("service.git");
    DeliveryTarget target = new DeliveryTarget(0, "git", url, Map.of("branch", "release"), null);
    DeliveryCredentials credentials =
        DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD));
    DeliveryContent v1 = version("ver-1", GitReadBack.files());

    DestinationResult first = git.deliver(v1, target, credentials);

    assertThat(first.url()).isEqualTo(url);
    assertThat(first.metadata()).containsEntry("branch", "release");
    Path clone = gitClone(authenticated(url), "release");
    GitReadBack.assertSameFiles(clone, v1);
    assertThat(server.requests())
        .anyMatch(r -> r.startsWith("POST /git/service.git/git-receive-pack " + USER));

    // The retry pushes nothing: the branch holds this tree already.
    int before = server.requests().size();
    DestinationResult retry = git.deliver(v1, target, credentials);
    assertThat(retry.metadata().get("commit")).isEqualTo(first.metadata().get("commit"));
    assertThat(server.requests().subList(before, server.requests().size()))
        .noneMatch(r -> r.contains("git-receive-pack"));

    // The next version is a second commit whose parent is the first.
    Map<String, byte[]> changed = new LinkedHashMap<>(GitReadBack.files());
    changed.put("app/main.py", "print('version 2')\n".getBytes(StandardCharsets.UTF_8));
    changed.remove("docs/empty.txt");
    DeliveryContent v2 = version("ver-2", changed);
    DestinationResult second = git.deliver(v2, target, credentials);
    Path clone2 = gitClone(authenticated(url), "release");
    GitReadBack.assertSameFiles(clone2, v2);
    assertThat(GitReadBack.git(clone2, "rev-parse", "HEAD^"))
        .isEqualTo(first.metadata().get("commit"));
    assertThat(GitReadBack.git(clone2, "rev-parse", "HEAD"))
        .isEqualTo(second.metadata().get("commit"));

    // A third version is fetched shallowly (only the head): pushed on top, history intact.
    Map<String, byte[]> third = new LinkedHashMap<>(changed);
    third.put("app/version.txt", "3\n".getBytes(StandardCharsets.UTF_8));
    DeliveryContent v3 = version("ver-3", third);
    DestinationResult last = git.deliver(v3, target, credentials);
    Path clone3 = gitClone(authenticated(url), "release");
    GitReadBack.assertSameFiles(clone3, v3);
    assertThat(GitReadBack.git(clone3, "rev-list", "--count", "HEAD")).isEqualTo("3");
    assertThat(GitReadBack.git(clone3, "rev-parse", "HEAD^"))
        .isEqualTo(second.metadata().get("commit"));
    assertThat(GitReadBack.git(clone3, "rev-parse", "HEAD"))
        .isEqualTo(last.metadata().get("commit"));
    GitReadBack.run(clone3, "git", "fsck", "--strict");
  }

  @Test
  void theSameTreeOnTheSameParentIsTheSameCommitInAnyRemote() throws Exception {
    Path a = GitReadBack.bare(work.resolve("a.git"));
    Path b = GitReadBack.bare(work.resolve("b.git"));
    DeliveryContent version = version("ver-1", GitReadBack.files());

    String inA =
        git.deliver(version, fileTarget(a), DeliveryCredentials.none()).metadata().get("commit");
    String inB =
        git.deliver(version, fileTarget(b), DeliveryCredentials.none()).metadata().get("commit");

    assertThat(inA).isEqualTo(inB).matches("[0-9a-f]{40}");
  }

  @Test
  void aWrongPasswordIsCredentialsRejectedAndNeverShown() throws Exception {
    GitReadBack.bare(repositories.resolve("private.git"));
    String wrong = "wrong-Pa55/word:@";
    DeliveryTarget target = new DeliveryTarget(0, "git", server.url("private.git"), Map.of(), null);

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version("ver-1", GitReadBack.files()),
                    target,
                    DeliveryCredentials.of(Map.of("username", USER, "password", wrong))),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("CREDENTIALS_REJECTED");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(server.url("private.git"));
    GitReadBack.assertNoSecret(failure, wrong);
    assertThat(GitReadBack.commitCount(repositories.resolve("private.git"), "main")).isZero();
  }

  @Test
  void aTokenIsSentAsThePasswordAndAWrongOneIsRejected() throws Exception {
    GitReadBack.bare(repositories.resolve("token.git"));
    DeliveryTarget target = new DeliveryTarget(0, "git", server.url("token.git"), Map.of(), null);
    String token = "ghp_notTheRightToken0123456789";

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version("ver-1", GitReadBack.files()),
                    target,
                    DeliveryCredentials.of(Map.of("username", USER, "token", token))),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("CREDENTIALS_REJECTED");
    GitReadBack.assertNoSecret(failure, token);
    // The server's password as a token is accepted: the token is the basic password.
    DestinationResult ok =
        git.deliver(
            version("ver-1", GitReadBack.files()),
            target,
            DeliveryCredentials.of(Map.of("username", USER, "token", PASSWORD)));
    assertThat(ok.metadata()).containsEntry("branch", "main");
  }

  @Test
  void aMissingRepositoryIsDestinationNotFound() {
    for (String url :
        List.of(server.url("nowhere.git"), work.resolve("nowhere.git").toUri() + "")) {
      ApplicationFailure failure =
          catchThrowableOfType(
              () ->
                  git.deliver(
                      version("ver-1", GitReadBack.files()),
                      new DeliveryTarget(0, "git", url, Map.of(), null),
                      DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD))),
              ApplicationFailure.class);
      assertThat(failure.getType()).as(url).isEqualTo("DESTINATION_NOT_FOUND");
      assertThat(failure.isNonRetryable()).isTrue();
    }
  }

  @Test
  void aRefusedPushIsRequestRejected() throws Exception {
    Path remote = GitReadBack.bare(repositories.resolve("protected-main.git"));

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version("ver-1", GitReadBack.files()),
                    new DeliveryTarget(0, "git", server.url("protected-main.git"), Map.of(), null),
                    DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD))),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("REQUEST_REJECTED");
    assertThat(failure.getOriginalMessage()).contains("protected branch");
    assertThat(GitReadBack.commitCount(remote, "main")).isZero();
  }

  @Test
  void fileRemotesAndLoopbackAreRefusedUnlessAllowed() throws Exception {
    Path remote = GitReadBack.bare(work.resolve("local.git"));
    GitDestination strict =
        new GitDestination(new GitPusher(OutboundGuard.strict(), GitSettings.defaults()));
    GitReadBack.bare(repositories.resolve("loopback.git"));

    ApplicationFailure file =
        catchThrowableOfType(
            () ->
                strict.deliver(
                    version("ver-1", GitReadBack.files()),
                    fileTarget(remote),
                    DeliveryCredentials.none()),
            ApplicationFailure.class);
    ApplicationFailure loopback =
        catchThrowableOfType(
            () ->
                strict.deliver(
                    version("ver-1", GitReadBack.files()),
                    new DeliveryTarget(0, "git", server.url("loopback.git"), Map.of(), null),
                    DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD))),
            ApplicationFailure.class);

    assertThat(file.getType()).isEqualTo("OUTBOUND_REFUSED");
    assertThat(file.getOriginalMessage()).contains("DELIVERY_GIT_ALLOW_FILE_REMOTES");
    assertThat(loopback.getType()).isEqualTo("OUTBOUND_REFUSED");
    assertThat(loopback.getOriginalMessage()).contains("127.0.0.1").contains("loopback");
    assertThat(server.requests()).noneMatch(r -> r.contains("loopback.git"));
    assertThat(GitReadBack.commitCount(remote, "main")).isZero();
  }

  @Test
  void credentialsInTheUrlAndOtherSchemesAreRejected() {
    for (String url :
        List.of(
            "https://deployer:hunter22@git.example.com/repo.git",
            "git://git.example.com/repo.git",
            "ftp://git.example.com/repo.git")) {
      ApplicationFailure failure =
          catchThrowableOfType(
              () ->
                  git.deliver(
                      version("ver-1", GitReadBack.files()),
                      new DeliveryTarget(0, "git", url, Map.of(), null),
                      DeliveryCredentials.none()),
              ApplicationFailure.class);
      assertThat(failure.getType()).as(url).isEqualTo("REQUEST_REJECTED");
      assertThat(failure.getOriginalMessage()).doesNotContain("hunter22");
    }
  }

  // --- helpers ---
  private DeliveryContent version(String versionId, Map<String, byte[]> files) {
    return blobs.version("cap-git", versionId, VERSION_TIME, files);
  }

  private static DeliveryTarget fileTarget(Path remote) {
    return new DeliveryTarget(0, "git", remote.toUri().toString(), Map.of(), null);
  }

  private static String authenticated(String url) {
    return url.replace(
        "http://",
        "http://" + USER + ":" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "@");
  }

  Path gitClone(String url, String branch) throws Exception {
    Path into = Files.createTempDirectory(work, "clone");
    GitReadBack.run(work, "git", "clone", "--quiet", "--branch", branch, url, into.toString());
    return into;
  }
}
