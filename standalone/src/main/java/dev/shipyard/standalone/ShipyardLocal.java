package dev.shipyard.standalone;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar standalone/target/shipyard-local.jar}: the whole platform on one machine with
 * embedded defaults. Ctrl-C stops it cleanly: in-flight requests finish, the worker stops polling,
 * then the embedded services stop.
 */
public final class ShipyardLocal {

  private ShipyardLocal() {}

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    LocalPlatform platform =
        new LocalPlatform(LocalPlatform.Settings.fromEnvironment(System.getenv()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Shipyard is stopping...");
                  platform.close();
                  System.out.println("Shipyard stopped.");
                  stopped.countDown();
                },
                "shipyard-shutdown"));
    try {
      platform.start();
    } catch (Exception e) {
      System.err.println("Shipyard failed to start: " + e);
      e.printStackTrace();
      System.exit(1);
    }
    System.out.println(banner(platform.endpoints(), (System.nanoTime() - start) / 1_000_000));
    stopped.await();
  }

  static String banner(LocalPlatform.Endpoints e, long startMillis) {
    String api = e.apiUrl();
    StringBuilder b = new StringBuilder();
    b.append("\n")
        .append(
            "================================================================================\n")
        .append(" Shipyard is ready (local platform, started in ")
        .append(startMillis)
        .append(" ms)\n")
        .append(
            "================================================================================\n")
        .append(" API          ")
        .append(api)
        .append('\n')
        .append("   status     ")
        .append(api)
        .append("/api/health/status\n")
        .append("   docs       ")
        .append(api)
        .append("/swagger-ui.html  (OpenAPI: ")
        .append(api)
        .append("/v3/api-docs)\n")
        .append("   metrics    ")
        .append(e.managementUrl())
        .append("/actuator/prometheus  (management port, MANAGEMENT_PORT; not on the API port)\n")
        .append(" Worker       ")
        .append(e.workerUrl())
        .append("/actuator/health\n");
    if (e.temporalEmbedded()) {
      b.append(" Temporal     ")
          .append(e.temporalAddress())
          .append("  EMBEDDED Java test server, time skipping off.\n")
          .append(
              "              It keeps NOTHING across restarts: runs left running are marked failed\n")
          .append("              at the next start. No Web UI here; docker-compose.yml has one.\n")
          .append("              Real cluster: set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE).\n");
    } else {
      b.append(" Temporal     ").append(e.temporalAddress()).append("  (TEMPORAL_ADDRESS)\n");
    }
    if (e.databaseEmbedded()) {
      b.append(" PostgreSQL   ")
          .append(e.databaseUrl())
          .append(" (user postgres)\n")
          .append("              EMBEDDED real PostgreSQL, data in ")
          .append(e.dataDir().resolve("postgres"))
          .append('\n')
          .append(
              "              Real server: set DATABASE_URL, DATABASE_USERNAME, DATABASE_PASSWORD.\n");
    } else {
      b.append(" PostgreSQL   ").append(e.databaseUrl()).append("  (DATABASE_URL)\n");
    }
    if (e.s3Embedded()) {
      b.append(" S3           ")
          .append(e.s3Endpoint())
          .append(" bucket ")
          .append(e.bucket())
          .append('\n')
          .append("              EMBEDDED s3proxy (filesystem), objects in ")
          .append(e.dataDir().resolve("s3"))
          .append('\n')
          .append(
              "              Real S3/MinIO: set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY.\n");
    } else {
      b.append(" S3           ")
          .append(e.s3Endpoint())
          .append(" bucket ")
          .append(e.bucket())
          .append("  (S3_ENDPOINT)\n");
    }
    if (e.clusterUrl() != null) {
      b.append(" Kubernetes   SIMULATED cluster (fabric8 mock server + Shipyard's controller) at ")
          .append(e.clusterUrl())
          .append('\n')
          .append(
              "              No real pods run; failure modes by image name (README: Clusters).\n")
          .append(
              "              Real cluster: set KUBECONFIG_PATH (or KUBERNETES_IN_CLUSTER=true).\n");
    } else {
      b.append(" Kubernetes   ")
          .append(e.clusterMode())
          .append(
              "kubeconfig".equals(e.clusterMode())
                  ? "  (KUBECONFIG_PATH)\n"
                  : "  (service account)\n");
    }
    switch (e.registryMode()) {
      case "embedded" ->
          b.append(" Registry     ")
              .append(e.registry())
              .append("  EMBEDDED Debian docker-registry (plain HTTP, no auth), blobs in ")
              .append(e.dataDir().resolve("registry"))
              .append('\n')
              .append("              Images are pushed here. Real registry: set IMAGE_REGISTRY.\n");
      case "configured" ->
          b.append(" Registry     ").append(e.registry()).append("  (IMAGE_REGISTRY)\n");
      default ->
          b.append(" Registry     none: POST /api/container-images answers 503.\n")
              .append("              Set IMAGE_REGISTRY, or apt-get install docker-registry.\n");
    }
    b.append(" Redis        ")
        .append(
            System.getenv("REDIS_URL") == null
                ? "not used: rate limits are in-memory. Shared limits: set REDIS_URL.\n"
                : "REDIS_URL\n")
        .append(" Data dir     ")
        .append(e.dataDir())
        .append("  (SHIPYARD_DATA_DIR)\n")
        .append(
            "================================================================================\n")
        .append(" Press Ctrl-C to stop.\n");
    return b.toString();
  }
}
