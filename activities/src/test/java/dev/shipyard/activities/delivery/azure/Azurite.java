package dev.shipyard.activities.delivery.azure;

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
 * Azurite, Microsoft's Azure Storage emulator (npm {@code azurite}, pinned and installed by .ci/run
 * into /opt/shipyard-azurite; {@code AZURITE_BLOB} names another {@code azurite-blob}), its blob
 * service on a free loopback port and a temporary directory. Started and stopped by the tests.
 */
final class Azurite implements AutoCloseable {

  /** Azurite's fixed development account and its published key. */
  static final String ACCOUNT = "devstoreaccount1";

  static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final Process process;
  private final int port;

  private Azurite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Azurite start(Path dataDir) throws Exception {
    String command =
        System.getenv()
            .getOrDefault("AZURITE_BLOB", "/opt/shipyard-azurite/node_modules/.bin/azurite-blob");
    if (!Files.isExecutable(Path.of(command))) {
      throw new IllegalStateException(
          command + " is missing: npm install --prefix /opt/shipyard-azurite azurite (.ci/run)");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            command,
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            Integer.toString(port),
            "--location",
            dataDir.toString(),
            "--silent",
            "--skipApiVersionCheck",
            "--loose");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  if (line.contains("successfully listen")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // the child has gone
              }
              synchronized (output) {
                ready.completeExceptionally(
                    new IllegalStateException("Azurite exited:\n" + output));
              }
            },
            "azurite-output");
    reader.setDaemon(true);
    reader.start();
    Azurite azurite = new Azurite(process, port);
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      azurite.close();
      throw e;
    }
    return azurite;
  }

  int port() {
    return port;
  }

  String blobEndpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** A connection string for the development account with {@code key}. */
  String connectionString(String key) {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + key
        + ";BlobEndpoint="
        + blobEndpoint()
        + ";";
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
