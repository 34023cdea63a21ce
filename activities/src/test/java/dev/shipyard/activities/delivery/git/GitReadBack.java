package dev.shipyard.activities.delivery.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.storage.FileManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Reading a delivery back: the system's git, bare repositories, byte-for-byte comparison. */
public final class GitReadBack {

  private GitReadBack() {}

  /** A version with text, binary, empty and nested files. */
  public static Map<String, byte[]> files() {
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

  public static Path bare(Path dir) throws IOException {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
      repo.create(true);
    }
    return dir;
  }

  public static int commitCount(Path bare, String branch) throws IOException {
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

  /** {@code git clone --branch <branch>} with the system's git into a new directory. */
  public static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    return run(dir, command.toArray(String[]::new)).strip();
  }

  public static String run(Path dir, String... command) throws Exception {
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
  public static void assertSameFiles(Path clone, DeliveryContent version) throws IOException {
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
  public static void assertNoSecret(Throwable failure, String secret) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    String all = trace.toString();
    assertThat(all)
        .doesNotContain(secret)
        .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8));
  }
}
