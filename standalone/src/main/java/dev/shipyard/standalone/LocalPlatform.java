package dev.shipyard.standalone;

import dev.shipyard.api.ApiApplication;
import dev.shipyard.secrets.SecretBox;
import dev.shipyard.standalone.cluster.SimulatedCluster;
import dev.shipyard.worker.WorkerApplication;
import dev.shipyard.worker.WorkerRegistration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The whole platform in one JVM: embedded PostgreSQL, the local S3 server, Temporal's Java test
 * server, then the worker and the API as two Spring Boot contexts. Each embedded part is skipped
 * when its real service is configured ({@code DATABASE_URL}, {@code S3_ENDPOINT}, {@code
 * TEMPORAL_ADDRESS}). Used by {@link ShipyardLocal} and by the end-to-end tests.
 */
public final class LocalPlatform implements AutoCloseable {

  /** Where and how to run. A port of 0 means any free port. */
  public record Settings(
      Path dataDir,
      int apiPort,
      int managementPort,
      int workerPort,
      int temporalPort,
      int postgresPort,
      int s3Port,
      int clusterPort,
      Map<String, String> environment,
      Map<String, Object> apiProperties,
      Map<String, Object> workerProperties) {

    /** The defaults of the local platform, read from the environment. */
    public static Settings fromEnvironment(Map<String, String> env) {
      return new Settings(
          Path.of(env.getOrDefault("SHIPYARD_DATA_DIR", ".shipyard")).toAbsolutePath(),
          intOf(env, "PORT", 8080),
          intOf(env, "MANAGEMENT_PORT", 8090),
          intOf(env, "WORKER_PORT", 8081),
          intOf(env, "LOCAL_TEMPORAL_PORT", 7233),
          intOf(env, "LOCAL_POSTGRES_PORT", 15432),
          intOf(env, "LOCAL_S3_PORT", 9000),
          intOf(env, "LOCAL_CLUSTER_PORT", 16443),
          env,
          Map.of(),
          Map.of());
    }

    /** Everything on free ports under {@code dataDir}, no real services: for tests. */
    public static Settings ephemeral(Path dataDir) {
      return new Settings(dataDir, 0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of());
    }

    public Settings withApiProperties(Map<String, Object> properties) {
      return new Settings(
          dataDir,
          apiPort,
          managementPort,
          workerPort,
          temporalPort,
          postgresPort,
          s3Port,
          clusterPort,
          environment,
          properties,
          workerProperties);
    }

    public Settings withWorkerProperties(Map<String, Object> properties) {
      return new Settings(
          dataDir,
          apiPort,
          managementPort,
          workerPort,
          temporalPort,
          postgresPort,
          s3Port,
          clusterPort,
          environment,
          apiProperties,
          properties);
    }

    private static int intOf(Map<String, String> env, String name, int fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    private String env(String name) {
      String value = environment.get(name);
      return value == null || value.isBlank() ? null : value;
    }
  }

  /** What runs where once started, for the banner and the tests. */
  public record Endpoints(
      String apiUrl,
      String managementUrl,
      String workerUrl,
      String temporalAddress,
      boolean temporalEmbedded,
      String databaseUrl,
      boolean databaseEmbedded,
      String s3Endpoint,
      boolean s3Embedded,
      String bucket,
      String clusterUrl,
      String clusterMode,
      String registry,
      String registryMode,
      Path dataDir) {}

  private final Settings settings;
  private final List<AutoCloseable> started = new ArrayList<>();
  private LocalPostgres postgres;
  private SimulatedCluster cluster;
  private ConfigurableApplicationContext shared;
  private ConfigurableApplicationContext worker;
  private ConfigurableApplicationContext api;
  private final List<ConfigurableApplicationContext> extraApis = new ArrayList<>();
  private Map<String, Object> apiProperties;
  private Endpoints endpoints;

  public LocalPlatform(Settings settings) {
    this.settings = settings;
  }

  /** Starts every part, in dependency order; on failure, stops what had started. */
  public LocalPlatform start() throws Exception {
    try {
      doStart();
      return this;
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private void doStart() throws Exception {
    Path data = settings.dataDir();
    Files.createDirectories(data);
    String namespace = orDefault(settings.env("TEMPORAL_NAMESPACE"), "default");

    String databaseUrl = settings.env("DATABASE_URL");
    String databaseUser = orDefault(settings.env("DATABASE_USERNAME"), "shipyard");
    String databasePassword = orDefault(settings.env("DATABASE_PASSWORD"), "");
    boolean databaseEmbedded = databaseUrl == null;
    if (databaseEmbedded) {
      postgres = new LocalPostgres(data.resolve("postgres"), port(settings.postgresPort()));
      postgres.start();
      started.add(postgres);
      databaseUrl = postgres.jdbcUrl();
      databaseUser = LocalPostgres.USER;
      databasePassword = "";
    }

    String s3Endpoint = settings.env("S3_ENDPOINT");
    String bucket = orDefault(settings.env("S3_BUCKET"), "shipyard");
    String accessKey = settings.env("S3_ACCESS_KEY");
    String secretKey = settings.env("S3_SECRET_KEY");
    boolean s3Embedded = s3Endpoint == null;
    if (s3Embedded) {
      // Fresh credentials each run: the local S3 server and the platform are the only parties.
      accessKey = "local-" + randomHex(8);
      secretKey = randomHex(24);
      LocalS3 s3 =
          new LocalS3(data.resolve("s3"), port(settings.s3Port()), bucket, accessKey, secretKey);
      s3.start();
      started.add(s3);
      s3Endpoint = s3.endpoint();
    }

    String temporalAddress = settings.env("TEMPORAL_ADDRESS");
    boolean temporalEmbedded = temporalAddress == null;
    if (temporalEmbedded) {
      LocalTemporal temporal = new LocalTemporal(port(settings.temporalPort()), namespace);
      temporal.start();
      started.add(temporal);
      temporalAddress = temporal.address();
    }

    // Kubernetes: the configured cluster, else the simulated one (README: Clusters).
    boolean realCluster =
        settings.env("KUBECONFIG_PATH") != null
            || "true".equalsIgnoreCase(settings.env("KUBERNETES_IN_CLUSTER"));
    String clusterUrl = null;
    String clusterMode;
    if (realCluster) {
      clusterMode = settings.env("KUBECONFIG_PATH") != null ? "kubeconfig" : "in-cluster";
    } else {
      cluster = SimulatedCluster.start(port(settings.clusterPort()));
      started.add(cluster);
      clusterUrl = cluster.url();
      clusterMode = "simulated";
    }

    // Container images: the configured registry, else Debian's docker-registry when installed.
    String registry = settings.env("IMAGE_REGISTRY");
    for (Map<String, Object> overrides :
        List.of(settings.workerProperties(), settings.apiProperties())) {
      if (registry == null && overrides.get("IMAGE_REGISTRY") != null) {
        registry = String.valueOf(overrides.get("IMAGE_REGISTRY"));
      }
    }
    String registryMode = registry != null ? "configured" : "none";
    if (registry == null && LocalRegistry.installed()) {
      String requested = settings.env("LOCAL_REGISTRY_PORT");
      LocalRegistry local =
          new LocalRegistry(
              data.resolve("registry"),
              port(
                  requested != null
                      ? Integer.parseInt(requested.trim())
                      : settings.apiPort() == 0 ? 0 : 5000));
      local.start();
      started.add(local);
      registry = local.host();
      registryMode = "embedded";
    }

    Map<String, Object> common = new LinkedHashMap<>();
    if ("embedded".equals(registryMode)) {
      common.put("IMAGE_REGISTRY", registry);
    }
    common.put("TEMPORAL_ADDRESS", temporalAddress);
    common.put("TEMPORAL_NAMESPACE", namespace);
    common.put("DATABASE_URL", databaseUrl);
    common.put("DATABASE_USERNAME", databaseUser);
    common.put("DATABASE_PASSWORD", databasePassword);
    common.put("S3_ENDPOINT", s3Endpoint);
    common.put("S3_BUCKET", bucket);
    common.put("S3_ACCESS_KEY", orDefault(accessKey, ""));
    common.put("S3_SECRET_KEY", orDefault(secretKey, ""));
    common.put("S3_PATH_STYLE", orDefault(settings.env("S3_PATH_STYLE"), "true"));
    common.put("S3_REGION", orDefault(settings.env("S3_REGION"), "us-east-1"));
    if (clusterUrl != null) {
      common.put("SHIPYARD_SIMULATED_CLUSTER_URL", clusterUrl);
    }
    // Keys that seal deployment secrets at rest: the environment's, else generated once.
    common.put(
        "SECRETS_KEYS",
        localSecret(data, "SECRETS_KEYS", "secrets-keys", () -> SecretBox.newKeyConfig("local1")));
    // One JVM, one logging system: a per-context application name would label every line wrongly.
    common.put("logging.include-application-name", "false");

    shared =
        new SpringApplicationBuilder(SharedMetrics.class)
            .web(WebApplicationType.NONE)
            .bannerMode(org.springframework.boot.Banner.Mode.OFF)
            .logStartupInfo(false)
            .registerShutdownHook(false)
            .properties("spring.config.name=shipyard-local-shared")
            .run();

    // Every setting worker.yml reads from the environment passes through; then what the platform
    // decides itself; then the registry's workers (WorkerRegistry); then the caller's overrides.
    Map<String, Object> workerProps = passThrough(WorkerApplication.CONFIG_NAME, settings);
    workerProps.putAll(common);
    workerProps.put("PORT", port(settings.workerPort()));
    if (temporalEmbedded) {
      // The Java test server never times out sticky queues (DESIGN.md §3).
      workerProps.put("WORKER_STICKY_SCHEDULE_TO_START_TIMEOUT", "0s");
    }
    workerProps.put(
        "WEBHOOK_SIGNING_SECRET", localSecret(data, "WEBHOOK_SIGNING_SECRET", "webhook-secret"));
    workerProps.putAll(WorkerRegistration.properties());
    workerProps.putAll(settings.workerProperties());
    worker = run(WorkerApplication.class, WorkerApplication.CONFIG_NAME, workerProps);

    Map<String, Object> apiProps = passThrough(ApiApplication.CONFIG_NAME, settings);
    apiProps.putAll(common);
    apiProps.put("PORT", port(settings.apiPort()));
    // Actuator (Prometheus) on its own port, never on the public one.
    apiProps.put("MANAGEMENT_PORT", port(settings.managementPort()));
    apiProps.put("JWT_SECRET", jwtSecret(data));
    // The HMAC key of signed capsule download links: the environment's, else generated once.
    apiProps.put(
        "CAPSULE_DOWNLOAD_LINK_KEY",
        localSecret(data, "CAPSULE_DOWNLOAD_LINK_KEY", "download-link-key"));
    apiProps.putAll(settings.apiProperties());
    apiProperties = Map.copyOf(apiProps);
    api = run(ApiApplication.class, ApiApplication.CONFIG_NAME, apiProps);

    endpoints =
        new Endpoints(
            "http://127.0.0.1:" + localPort(api),
            "http://127.0.0.1:" + api.getEnvironment().getProperty("local.management.port"),
            "http://127.0.0.1:" + localPort(worker),
            temporalAddress,
            temporalEmbedded,
            databaseUrl,
            databaseEmbedded,
            s3Endpoint,
            s3Embedded,
            bucket,
            clusterUrl,
            clusterMode,
            registry,
            registryMode,
            data);
  }

  /** Environment variables a config file reads: {@code ${NAME:default}} or {@code ${NAME}}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

  /**
   * The names of the environment variables {@code <configName>.yml} reads (the worker's {@code
   * worker.yml}, the API's {@code api.yml}): the one list of their settings.
   */
  public static Set<String> settingNames(String configName) {
    String resource = "/" + configName + ".yml";
    try (var in = LocalPlatform.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      Matcher m = PLACEHOLDER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Set<String> names = new TreeSet<>();
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every setting of {@code <configName>.yml} that the environment sets, as is. */
  static Map<String, Object> passThrough(String configName, Settings settings) {
    Map<String, Object> props = new LinkedHashMap<>();
    for (String name : settingNames(configName)) {
      if (settings.env(name) != null) {
        props.put(name, settings.env(name));
      }
    }
    return props;
  }

  /** The settings the local platform passes to the worker from {@code environment}. */
  public static Map<String, Object> workerSettings(Map<String, String> environment) {
    return passThrough(
        WorkerApplication.CONFIG_NAME,
        new Settings(Path.of("."), 0, 0, 0, 0, 0, 0, 0, environment, Map.of(), Map.of()));
  }

  private ConfigurableApplicationContext run(
      Class<?> app, String configName, Map<String, Object> properties) {
    return run(app, configName, properties, beans -> {});
  }

  private ConfigurableApplicationContext run(
      Class<?> app,
      String configName,
      Map<String, Object> properties,
      Consumer<GenericApplicationContext> beans) {
    return new SpringApplicationBuilder(app)
        .parent(shared)
        .registerShutdownHook(false)
        .properties("spring.config.name=" + configName)
        .initializers(
            ctx -> {
              ctx.getEnvironment()
                  .getPropertySources()
                  .addFirst(new MapPropertySource("shipyard-local", properties));
              // Several web contexts share this JVM: each gets its own Netty event loops, because
              // closing a context disposes reactor-netty's global ones for everybody.
              ((GenericApplicationContext) ctx)
                  .registerBean(
                      "reactorResourceFactory",
                      ReactorResourceFactory.class,
                      () -> {
                        ReactorResourceFactory factory = new ReactorResourceFactory();
                        factory.setUseGlobalResources(false);
                        return factory;
                      });
              beans.accept((GenericApplicationContext) ctx);
            })
        .run();
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  /**
   * Starts one more API instance on a free port, sharing this platform's database, Temporal and
   * storage, with {@code overrides} on top of the first API's properties (tests use it for
   * behaviour across replicas). It stops with the platform; the URL is {@code "http://127.0.0.1:" +
   * httpPort(context)}.
   */
  public ConfigurableApplicationContext startAnotherApi(Map<String, Object> overrides) {
    return startAnotherApi(overrides, beans -> {});
  }

  /**
   * As {@link #startAnotherApi(Map)}, with beans registered before the context refreshes (tests
   * give an API instance a clock of their own this way).
   */
  public ConfigurableApplicationContext startAnotherApi(
      Map<String, Object> overrides, Consumer<GenericApplicationContext> beans) {
    Map<String, Object> props = new LinkedHashMap<>(apiProperties);
    props.put("PORT", 0);
    props.put("MANAGEMENT_PORT", port(0));
    props.putAll(overrides);
    ConfigurableApplicationContext another =
        run(ApiApplication.class, ApiApplication.CONFIG_NAME, props, beans);
    extraApis.add(another);
    return another;
  }

  /** The HTTP port a started API or worker context listens on. */
  public static int httpPort(ConfigurableApplicationContext context) {
    return localPort(context);
  }

  /** The API's Spring context (tests use it to reach beans such as the database client). */
  public ConfigurableApplicationContext apiContext() {
    return api;
  }

  public ConfigurableApplicationContext workerContext() {
    return worker;
  }

  /**
   * The simulated cluster, when no real one is configured (tests read and change its objects with
   * {@code cluster().client()}); null otherwise.
   */
  public SimulatedCluster cluster() {
    return cluster;
  }

  /** Stops the embedded PostgreSQL server (tests: readiness must then fail). */
  public void stopPostgres() throws IOException {
    requireEmbeddedPostgres().stop();
  }

  /** Starts the embedded PostgreSQL server again with the same port and data. */
  public void startPostgres() throws Exception {
    requireEmbeddedPostgres().start();
  }

  private LocalPostgres requireEmbeddedPostgres() {
    if (postgres == null) {
      throw new IllegalStateException("PostgreSQL is not embedded in this platform");
    }
    return postgres;
  }

  /**
   * Stops in reverse order: the API first (in-flight requests finish), then the worker (stops
   * polling), then the embedded services.
   */
  @Override
  public void close() {
    extraApis.forEach(LocalPlatform::closeQuietly);
    extraApis.clear();
    closeQuietly(api);
    closeQuietly(worker);
    closeQuietly(shared);
    api = null;
    worker = null;
    shared = null;
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(LocalPlatform.class)
            .warn("Stopping {} failed", started.get(i), e);
      }
    }
    started.clear();
    cluster = null;
  }

  private static void closeQuietly(ConfigurableApplicationContext context) {
    if (context != null && context.isActive()) {
      context.close();
    }
  }

  private static int localPort(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  private static int port(int requested) {
    if (requested != 0) {
      return requested;
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code JWT_SECRET} when set; otherwise a random secret generated once and kept in the data
   * directory (readable by its owner only), so logins survive restarts of the local platform.
   */
  private String jwtSecret(Path data) throws IOException {
    return localSecret(data, "JWT_SECRET", "jwt-secret");
  }

  /**
   * The environment's value of {@code name}; otherwise a random secret generated once and kept in
   * {@code fileName} under the data directory (readable by its owner only), so it survives restarts
   * of the local platform.
   */
  private String localSecret(Path data, String name, String fileName) throws IOException {
    return localSecret(data, name, fileName, () -> randomHex(48));
  }

  /** As {@link #localSecret(Path, String, String)}, a new value made by {@code generator}. */
  private String localSecret(
      Path data, String name, String fileName, java.util.function.Supplier<String> generator)
      throws IOException {
    String configured = settings.env(name);
    if (configured != null) {
      return configured;
    }
    Path file = data.resolve(fileName);
    if (!Files.exists(file)) {
      // created owner-only before the secret is written: never readable by others, not even briefly
      try {
        Files.createFile(
            file,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the data directory's own permissions apply
      }
      Files.writeString(file, generator.get());
      org.slf4j.LoggerFactory.getLogger(LocalPlatform.class)
          .info("{} not set: generated one for the local platform in {}", name, file);
    }
    return Files.readString(file).trim();
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
