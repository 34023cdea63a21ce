package dev.shipyard.standalone.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} on 127.0.0.1 and a free port, without persistence, for tests:
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   platform.startAnotherApi(Map.of("REDIS_URL", redis.url()));
 * }
 * }</pre>
 *
 * Fails (never skips) when the binary is missing: {@code apt-get install redis-server} ({@code
 * .ci/run} does).
 */
public final class RedisServer implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path dir;

  private RedisServer(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Starts a server and returns once it answers {@code PING}. */
  public static RedisServer start() throws IOException {
    Path binary = binary();
    int port = freePort();
    Path dir = Files.createTempDirectory("shipyard-redis-");
    Path log = dir.resolve("redis.log");
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    RedisServer server = new RedisServer(process, port, dir);
    try {
      await("redis-server on port " + port + " answering PING")
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "redis-server exited with "
                          + process.exitValue()
                          + ":\n"
                          + Files.readString(log));
                }
                return server.answersPing();
              });
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The URL for {@code REDIS_URL}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Whether the server answers {@code PING} with {@code +PONG} within a second. */
  public boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = new byte[7];
      int read = in.readNBytes(answer, 0, answer.length);
      return "+PONG\r\n".equals(new String(answer, 0, read, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      LocalPlatformExtension.deleteRecursively(dir);
    } catch (IOException e) {
      // a temporary directory: left for the OS
    }
  }

  private static Path binary() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.concat(
            Stream.of(path.split(java.io.File.pathSeparator)).filter(p -> !p.isBlank()),
            Stream.of("/usr/bin", "/usr/local/bin", "/usr/sbin"))
        .map(p -> Path.of(p, "redis-server"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "redis-server is not installed, and the shared rate-limit tests need a real"
                        + " one: apt-get install redis-server (.ci/run installs it)"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
