package dev.shipyard.activities.delivery;

import dev.shipyard.storage.S3Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real S3-protocol server the platform stores versions in, for delivery tests: local-s3's
 * packaged jar (s3proxy) in a child JVM on a free port and a temporary directory, as storage's
 * {@code LocalS3Server} runs it (that class is in storage's test sources, which other modules do
 * not see). The child exits when its standard input closes.
 */
public final class LocalS3 implements AutoCloseable {

  public static final String BUCKET = "shipyard-delivery-test";
  private static final String ACCESS_KEY = "local-access-key";
  private static final String SECRET_KEY = "local-secret-key-0123456789";

  private final Process process;
  private final int port;

  private LocalS3(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the server from the jar named by the {@code shipyard.local-s3.jar} property. */
  public static LocalS3 start(Path dataDir) throws Exception {
    Path jar = Path.of(System.getProperty("shipyard.local-s3.jar", "missing"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: package the local-s3 module first (./mvnw -pl local-s3 package)");
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
    LocalS3 server = new LocalS3(process, port);
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  public S3Settings settings() {
    return new S3Settings(
        "http://127.0.0.1:" + port, "us-east-1", BUCKET, ACCESS_KEY, SECRET_KEY, true, 5);
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
}
