package dev.shipyard.locals3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3-protocol server (s3proxy) on a filesystem directory, for the local platform and tests.
 *
 * <p>Arguments: {@code <port> <dataDir> <bucket>}; the access key and secret come from the
 * environment ({@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}) so they never show in a process list.
 * It prints {@code READY <port>} once the bucket exists and exits when its standard input closes,
 * so it never outlives the process that started it.
 */
public final class LocalS3Main {

  private LocalS3Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: LocalS3Main <port> <dataDir> <bucket>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path dataDir = Path.of(args[1]).toAbsolutePath();
    String bucket = args[2];
    String accessKey = requiredEnv("S3_ACCESS_KEY");
    String secretKey = requiredEnv("S3_SECRET_KEY");
    Files.createDirectories(dataDir);

    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dataDir.toString());
    BlobStore blobStore = BlobStores.create("filesystem", properties);
    if (!blobStore.containerExists(bucket)) {
      blobStore.createContainer(bucket);
    }

    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      if (proxy.getState().equals("FAILED")) {
        System.err.println("s3proxy failed to start on port " + port);
        System.exit(1);
      }
      Thread.onSpinWait();
    }
    System.out.println("READY " + proxy.getPort());
    System.out.flush();

    // Block until the parent closes our stdin (normal stop) or dies (pipe closed).
    while (System.in.read() != -1) {
      // ignore input
    }
    proxy.stop();
    System.exit(0);
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      System.err.println(name + " must be set");
      System.exit(2);
    }
    return value;
  }
}
