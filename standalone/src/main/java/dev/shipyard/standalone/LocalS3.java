package dev.shipyard.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3-protocol server (s3proxy on the filesystem) in a child JVM. s3proxy's classpath clashes
 * with the platform's (Jetty 12.1, Jackson 3, gRPC), so the local-s3 module packs it as its own
 * jar, which this module embeds. The child exits when our end of its stdin closes, so it never
 * outlives this process.
 */
final class LocalS3 implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalS3.class);
  private static final String EMBEDDED_JAR = "/embedded/shipyard-local-s3.jar";

  private final Path dataDir;
  private final int port;
  private final String bucket;
  private final String accessKey;
  private final String secretKey;
  private Process process;

  LocalS3(Path dataDir, int port, String bucket, String accessKey, String secretKey) {
    this.dataDir = dataDir;
    this.port = port;
    this.bucket = bucket;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  void start() throws IOException, InterruptedException {
    Path jar = extractJar();
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-jar",
            jar.toString(),
            Integer.toString(port),
            dataDir.resolve("objects").toString(),
            bucket);
    builder.environment().put("S3_ACCESS_KEY", accessKey);
    builder.environment().put("S3_SECRET_KEY", secretKey);
    builder.redirectErrorStream(true);
    process = builder.start();
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
                  } else {
                    log.info("{}", line);
                  }
                }
              } catch (IOException e) {
                // the child has gone
              }
              ready.completeExceptionally(
                  new IllegalStateException("local S3 server exited before it was ready"));
            },
            "local-s3-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("local S3 server did not start on port " + port, e);
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Copies the embedded s3proxy jar next to the data, once per content change. */
  private Path extractJar() throws IOException {
    Path target = dataDir.resolve("shipyard-local-s3.jar");
    Files.createDirectories(dataDir);
    try (InputStream in = LocalS3.class.getResourceAsStream(EMBEDDED_JAR)) {
      if (in == null) {
        Path built = Path.of("local-s3", "target", "shipyard-local-s3.jar");
        if (Files.exists(built)) {
          return built.toAbsolutePath();
        }
        throw new IllegalStateException(
            "The local S3 server jar is not on the classpath; build with ./mvnw package first");
      }
      Path tmp = Files.createTempFile(dataDir, "local-s3", ".jar");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      if (Files.exists(target) && Files.mismatch(tmp, target) == -1) {
        Files.delete(tmp);
      } else {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return target;
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    try {
      process.getOutputStream().close(); // the child's signal to stop
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }
}
