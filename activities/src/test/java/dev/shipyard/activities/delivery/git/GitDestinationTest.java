package dev.shipyard.activities.delivery.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.MemoryBlobStore;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import dev.shipyard.workflows.delivery.DestinationResult;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
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
    Path remote = bare(work.resolve("remote.git"));
    DeliveryContent version = version("ver-1", files());
    DeliveryTarget target =
        new DeliveryTarget(0, "git", remote.toUri().toString(), Map.of("branch", "main"), null);

    DestinationResult first = git.deliver(version, target, DeliveryCredentials.none());

    assertThat(first.success()).isTrue();
    assertThat(first.url()).isEqualTo(remote.toUri().toString());
    assertThat(first.metadata()).containsEntry("branch", "main").containsKey("commit");
    Path clone = gitClone(remote.toUri().toString(), "main");
    assertSameFiles(clone, version);
    assertThat(git(clone, "log", "--format=%H %an <%ae> %aI %cI", "main"))
        .isEqualTo(
            first.metadata().get("commit")
                + " Shipyard <shipyard@localhost> 2026-11-30T09:15:00Z 2026-11-30T09:15:00Z");

    // A retried delivery of the same version: the same commit, nothing new on the branch.
    DestinationResult again = git.deliver(version, target, DeliveryCredentials.none());
    assertThat(again.metadata().get("commit")).isEqualTo(first.metadata().get("commit"));
    assertThat(commitCount(remote, "main")).isEqualTo(1);
  }

  @Test
  void deliversOverHttpWithBasicAuthThenANewVersionOnTop() throws Exception {
    bare(repositories.resolve("service.git"));
    String url = server.url("service.git");
    DeliveryTarget target = new DeliveryTarget(0, "git", url, Map.of("branch", "release"), null);
    DeliveryCredentials credentials =
        DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD));
    DeliveryContent v1 = version("ver-1", files());

    DestinationResult first = git.deliver(v1, target, credentials);

    assertThat(first.url()).isEqualTo(url);
    assertThat(first.metadata()).containsEntry("branch", "release");
    Path clone = gitClone(authenticated(url), "release");
    assertSameFiles(clone, v1);
    assertThat(server.requests())
        .anyMatch(r -> r.startsWith("POST /git/service.git/git-receive-pack " + USER));

    // The retry pushes nothing: the branch holds this tree already.
    int before = server.requests().size();
    DestinationResult retry = git.deliver(v1, target, credentials);
    assertThat(retry.metadata().get("commit")).isEqualTo(first.metadata().get("commit"));
    assertThat(server.requests().subList(before, server.requests().size()))
        .noneMatch(r -> r.contains("git-receive-pack"));

    // The next version is a second commit whose parent is the first.
    Map<String, byte[]> changed = new LinkedHashMap<>(files());
    changed.put("app/main.py", "print('version 2')\n".getBytes(StandardCharsets.UTF_8));
    changed.remove("docs/empty.txt");
    DeliveryContent v2 = version("ver-2", changed);
    DestinationResult second = git.deliver(v2, target, credentials);
    Path clone2 = gitClone(authenticated(url), "release");
    assertSameFiles(clone2, v2);
    assertThat(git(clone2, "rev-parse", "HEAD^")).isEqualTo(first.metadata().get("commit"));
    assertThat(git(clone2, "rev-parse", "HEAD")).isEqualTo(second.metadata().get("commit"));
  }

  @Test
  void theSameTreeOnTheSameParentIsTheSameCommitInAnyRemote() throws Exception {
    Path a = bare(work.resolve("a.git"));
    Path b = bare(work.resolve("b.git"));
    DeliveryContent version = version("ver-1", files());

    String inA =
        git.deliver(version, fileTarget(a), DeliveryCredentials.none()).metadata().get("commit");
    String inB =
        git.deliver(version, fileTarget(b), DeliveryCredentials.none()).metadata().get("commit");

    assertThat(inA).isEqualTo(inB).matches("[0-9a-f]{40}");
  }

  @Test
  void aWrongPasswordIsCredentialsRejectedAndNeverShown() throws Exception {
    bare(repositories.resolve("private.git"));
    String wrong = "wrong-Pa55/word:@";
    DeliveryTarget target = new DeliveryTarget(0, "git", server.url("private.git"), Map.of(), null);

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version("ver-1", files()),
                    target,
                    DeliveryCredentials.of(Map.of("username", USER, "password", wrong))),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("CREDENTIALS_REJECTED");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(server.url("private.git"));
    assertNoSecret(failure, wrong);
    assertThat(commitCount(repositories.resolve("private.git"), "main")).isZero();
  }

  @Test
  void aTokenIsSentAsThePasswordAndAWrongOneIsRejected() throws Exception {
    bare(repositories.resolve("token.git"));
    DeliveryTarget target = new DeliveryTarget(0, "git", server.url("token.git"), Map.of(), null);
    String token = "ghp_notTheRightToken0123456789";

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version("ver-1", files()),
                    target,
                    DeliveryCredentials.of(Map.of("username", USER, "token", token))),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("CREDENTIALS_REJECTED");
    assertNoSecret(failure, token);
    // The server's password as a token is accepted: the token is the basic password.
    DestinationResult ok =
        git.deliver(
            version("ver-1", files()),
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
                      version("ver-1", files()),
                      new DeliveryTarget(0, "git", url, Map.of(), null),
                      DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD))),
              ApplicationFailure.class);
      assertThat(failure.getType()).as(url).isEqualTo("DESTINATION_NOT_FOUND");
      assertThat(failure.isNonRetryable()).isTrue();
    }
  }

  @Test
  void aRefusedPushIsRequestRejected() throws Exception {
    Path remote = bare(repositories.resolve("protected-main.git"));

    ApplicationFailure failure =
        catchThrowableOfType(
            () ->
                git.deliver(
                    version("ver-1", files()),
                    new DeliveryTarget(0, "git", server.url("protected-main.git"), Map.of(), null),
                    DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD))),
            ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo("REQUEST_REJECTED");
    assertThat(failure.getOriginalMessage()).contains("protected branch");
    assertThat(commitCount(remote, "main")).isZero();
  }

  @Test
  void fileRemotesAndLoopbackAreRefusedUnlessAllowed() throws Exception {
    Path remote = bare(work.resolve("local.git"));
    GitDestination strict =
        new GitDestination(new GitPusher(OutboundGuard.strict(), GitSettings.defaults()));
    bare(repositories.resolve("loopback.git"));

    ApplicationFailure file =
        catchThrowableOfType(
            () ->
                strict.deliver(
                    version("ver-1", files()), fileTarget(remote), DeliveryCredentials.none()),
            ApplicationFailure.class);
    ApplicationFailure loopback =
        catchThrowableOfType(
            () ->
                strict.deliver(
                    version("ver-1", files()),
                    new DeliveryTarget(0, "git", server.url("loopback.git"), Map.of(), null),
                    DeliveryCredentials.of(Map.of("username", USER, "password", PASSWORD))),
            ApplicationFailure.class);

    assertThat(file.getType()).isEqualTo("OUTBOUND_REFUSED");
    assertThat(file.getOriginalMessage()).contains("DELIVERY_GIT_ALLOW_FILE_REMOTES");
    assertThat(loopback.getType()).isEqualTo("OUTBOUND_REFUSED");
    assertThat(loopback.getOriginalMessage()).contains("127.0.0.1").contains("loopback");
    assertThat(server.requests()).noneMatch(r -> r.contains("loopback.git"));
    assertThat(commitCount(remote, "main")).isZero();
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
                      version("ver-1", files()),
                      new DeliveryTarget(0, "git", url, Map.of(), null),
                      DeliveryCredentials.none()),
              ApplicationFailure.class);
      assertThat(failure.getType()).as(url).isEqualTo("REQUEST_REJECTED");
      assertThat(failure.getOriginalMessage()).doesNotContain("hunter22");
    }
  }

  // --- helpers ---

  /** A version with text, binary, empty and nested files. */
  static Map<String, byte[]> files() {
    byte[] binary = new byte[4096];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 31 + 7);
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("README.md", "# Capsule\n\nGenerated.\n".getBytes(StandardCharsets.UTF_8));
    files.put("app/main.py", "print('hello')\r\n".getBytes(StandardCharsets.UTF_8));
    files.put("app/static/logo.bin", binary);
    files.put("docs/empty.txt", new byte[0]);
    files.put("docs/ünïcode name.txt", "ünïcode\n".getBytes(StandardCharsets.UTF_8));
    files.put("k8s/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n".getBytes());
    return files;
  }

  private DeliveryContent version(String versionId, Map<String, byte[]> files) {
    return blobs.version("cap-git", versionId, VERSION_TIME, files);
  }

  private static DeliveryTarget fileTarget(Path remote) {
    return new DeliveryTarget(0, "git", remote.toUri().toString(), Map.of(), null);
  }

  static Path bare(Path dir) throws IOException {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
      repo.create(true);
    }
    return dir;
  }

  static int commitCount(Path bare, String branch) throws IOException {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
      var head = repo.resolve("refs/heads/" + branch);
      if (head == null) {
        return 0;
      }
      try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
        walk.markStart(walk.parseCommit(head));
        int n = 0;
        for (var ignored : walk) {
          n++;
        }
        return n;
      }
    }
  }

  private static String authenticated(String url) {
    return url.replace(
        "http://",
        "http://" + USER + ":" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "@");
  }

  /** {@code git clone --branch <branch>} with the system's git into a new directory. */
  Path gitClone(String url, String branch) throws Exception {
    Path into = Files.createTempDirectory(work, "clone");
    run(work, "git", "clone", "--quiet", "--branch", branch, url, into.toString());
    return into;
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    return run(dir, command.toArray(String[]::new)).strip();
  }

  static String run(Path dir, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    builder.environment().put("HOME", dir.toString());
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    return out;
  }

  /** The clone's files (outside .git) are exactly the version's, byte for byte. */
  static void assertSameFiles(Path clone, DeliveryContent version) throws IOException {
    Map<String, byte[]> expected = new LinkedHashMap<>();
    for (FileManifest.Entry entry : version.manifest().entries()) {
      try (var in = version.open(entry)) {
        expected.put(entry.path(), in.readAllBytes());
      }
    }
    List<String> found;
    try (Stream<Path> walk = Files.walk(clone)) {
      found =
          walk.filter(Files::isRegularFile)
              .map(p -> clone.relativize(p).toString().replace('\\', '/'))
              .filter(p -> !p.startsWith(".git/"))
              .sorted()
              .toList();
    }
    assertThat(found).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<String, byte[]> file : expected.entrySet()) {
      assertThat(Files.readAllBytes(clone.resolve(file.getKey())))
          .as(file.getKey())
          .isEqualTo(file.getValue());
      assertThat(FileManifest.sha256(file.getValue()))
          .isEqualTo(
              version.manifest().entries().stream()
                  .filter(e -> e.path().equals(file.getKey()))
                  .findFirst()
                  .orElseThrow()
                  .sha256());
    }
  }

  /** Neither the secret nor its URL-encoded form appears in the failure or any of its causes. */
  static void assertNoSecret(Throwable failure, String secret) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    String all = trace.toString();
    assertThat(all)
        .doesNotContain(secret)
        .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8));
  }
}
