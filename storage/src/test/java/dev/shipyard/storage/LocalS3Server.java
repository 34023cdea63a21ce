package dev.shipyard.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3-protocol server for tests and the bench: the local-s3 module's s3proxy jar (the one the
 * local platform runs) in a child JVM on a free port, on a temporary directory. The child exits
 * when its standard input closes ({@link #close()}, or this JVM's end).
 */
public final class LocalS3Server implements AutoCloseable {

  public static final String BUCKET = "shipyard-test";
  public static final String ACCESS_KEY = "local-access-key";
  public static final String SECRET_KEY = "local-secret-key-0123456789";

  private final Process process;
  private final Path dataDir;
  private final int port;

  private LocalS3Server(Process process, Path dataDir, int port) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Starts the server from {@code jar} ({@code shipyard.local-s3.jar} when null). */
  public static LocalS3Server start(Path jar, Path dataDir) throws Exception {
    if (jar == null) {
      String property = System.getProperty("shipyard.local-s3.jar");
      if (property == null) {
        throw new IllegalStateException("System property shipyard.local-s3.jar is not set");
      }
      jar = Path.of(property);
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: build the local-s3 module first (./mvnw -pl storage -am verify)");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-jar",
            jar.toString(),
            Integer.toString(port),
            dataDir.toString(),
            BUCKET);
    builder.environment().put("S3_ACCESS_KEY", ACCESS_KEY);
    builder.environment().put("S3_SECRET_KEY", SECRET_KEY);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith("READY ")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // the child has gone
              }
              ready.completeExceptionally(new IllegalStateException("local S3 server exited"));
            },
            "local-s3-output");
    reader.setDaemon(true);
    reader.start();
    LocalS3Server server = new LocalS3Server(process, dataDir, port);
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Settings for this server with the given part size. */
  public S3Settings settings(int partSizeMb) {
    return new S3Settings(
        endpoint(), "us-east-1", BUCKET, ACCESS_KEY, SECRET_KEY, true, partSizeMb);
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes a directory tree (the server's data after a run). */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
