package dev.shipyard.standalone.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.cluster.SimulatedCluster;
import dev.shipyard.worker.WorkerRegistration;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.WorkerRegistry.WorkflowBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Boots the whole platform once per test JVM (embedded PostgreSQL, local S3, Temporal's Java test
 * server, worker, API, on free ports) and injects {@link LocalPlatform} and a {@link WebTestClient}
 * bound to the API into test methods:
 *
 * <pre>{@code
 * @ExtendWith(LocalPlatformExtension.class)
 * class MyFeatureTest {
 *   @Test
 *   void works(WebTestClient api) {
 *     api.get().uri("/api/health/ready").exchange().expectStatus().isOk();
 *   }
 * }
 * }</pre>
 *
 * Test workflows register on the worker through {@link #WORKER_PROPERTIES}.
 */
public class LocalPlatformExtension implements BeforeAllCallback, ParameterResolver {

  /** The request body limit of the test platform, small so tests can exceed it cheaply. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** The JWT secret of test platforms, so tests can forge tokens the API must refuse. */
  public static final String JWT_SECRET = "test-secret-of-the-shipyard-e2e-suite-0123456789";

  /** The webhook signing secret of test platforms, so tests can verify signatures. */
  public static final String WEBHOOK_SECRET = "test-webhook-signing-secret-0123456789";

  /** The cert-manager cluster issuer named on custom-domain Ingresses of test platforms. */
  public static final String CLUSTER_ISSUER = "shipyard-test-issuer";

  /** The LLM API key of the shared test platform's worker, so tests can look for leaks. */
  public static final String LLM_API_KEY = "sk-test-llm-key-that-must-never-leak-0123456789";

  /** The first admin of test platforms, in the operator tenant {@code default}. */
  public static final String ADMIN_USERNAME = "root-admin";

  public static final String ADMIN_EMAIL = "root-admin@shipyard.test";
  public static final String ADMIN_PASSWORD = "Operator-passw0rd!";

  /** The worker's task queues in tests: the registry's plus the test workflows. */
  static final Map<String, Object> WORKER_PROPERTIES = workerProperties();

  private static Map<String, Object> workerProperties() {
    Map<String, Object> props =
        new java.util.LinkedHashMap<>(
            WorkerRegistration.properties(
                List.of(new WorkflowBinding(ProbeWorkflowImpl.class, TaskQueues.PLATFORM))));
    props.put("WEBHOOK_SIGNING_SECRET", WEBHOOK_SECRET);
    props.put("CERT_MANAGER_CLUSTER_ISSUER", CLUSTER_ISSUER);
    return Map.copyOf(props);
  }

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LocalPlatformExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    platform(context);
  }

  /** The shared platform, started on first use and stopped when the test run ends. */
  static LocalPlatform platform(ExtensionContext context) {
    return running(context).platform;
  }

  /** Starts a platform of its own on free ports (for tests that break a component). */
  public static LocalPlatform startIsolated(Path dataDir) throws Exception {
    return startIsolated(dataDir, Map.of());
  }

  /**
   * Starts a platform of its own on free ports whose worker has {@code workerOverrides} on top of
   * the test workers' properties (e.g. to move a task queue away from the in-process worker).
   */
  public static LocalPlatform startIsolated(Path dataDir, Map<String, Object> workerOverrides)
      throws Exception {
    return startIsolated(dataDir, workerOverrides, Map.of());
  }

  /**
   * Starts a platform of its own on free ports with {@code workerOverrides} on the worker's and
   * {@code apiOverrides} on the API's properties (e.g. {@code OUTBOUND_ALLOWED} for a test server).
   */
  public static LocalPlatform startIsolated(
      Path dataDir, Map<String, Object> workerOverrides, Map<String, Object> apiOverrides)
      throws Exception {
    Map<String, Object> worker = new java.util.LinkedHashMap<>(WORKER_PROPERTIES);
    worker.putAll(workerOverrides);
    Map<String, Object> api = apiProperties();
    api.putAll(apiOverrides);
    return new LocalPlatform(
            LocalPlatform.Settings.ephemeral(dataDir)
                .withApiProperties(api)
                .withWorkerProperties(worker))
        .start();
  }

  /** The API settings of test platforms. */
  static Map<String, Object> apiProperties() {
    Map<String, Object> props = new java.util.LinkedHashMap<>();
    props.put("shipyard.http.max-request-body", MAX_BODY_BYTES + "B");
    props.put("spring.codec.max-in-memory-size", MAX_BODY_BYTES + "B");
    // Every test comes from 127.0.0.1: limits far out of reach, except where RateLimitTest lowers
    // them on an API instance of its own.
    for (String rateClass :
        List.of("standard", "premium", "admin", "heavy", "batch", "analysis", "auth")) {
      props.put("shipyard.rate-limit." + rateClass, 100_000);
    }
    props.put("JWT_SECRET", JWT_SECRET);
    props.put("CERT_MANAGER_CLUSTER_ISSUER", CLUSTER_ISSUER);
    props.put("SHIPYARD_ADMIN_USERNAME", ADMIN_USERNAME);
    props.put("SHIPYARD_ADMIN_EMAIL", ADMIN_EMAIL);
    props.put("SHIPYARD_ADMIN_PASSWORD", ADMIN_PASSWORD);
    return props;
  }

  public static WebTestClient client(LocalPlatform platform) {
    return client(platform.endpoints().apiUrl());
  }

  /**
   * A client of the API at {@code baseUrl} that opens a new connection per request. Tests stop API
   * instances and start new ones, which may get the same port again; a pooled keep-alive connection
   * to the stopped instance would then take the new instance's requests and never answer. Every
   * response is validated against the API's OpenAPI document ({@link OpenApiValidation}). Bodies up
   * to 4 MiB are buffered (the OpenAPI document itself is past the codecs' 256 KiB default).
   */
  public static WebTestClient client(String baseUrl) {
    return WebTestClient.bindToServer(
            new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
        .codecs(c -> c.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
        .baseUrl(baseUrl)
        .filter(OpenApiValidation.filter(baseUrl))
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalPlatform.class
        || type == WebTestClient.class
        || type == GreenMail.class
        || type == WireMockServer.class
        || type == WebhookReceiver.class
        || type == SimulatedCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == GreenMail.class) {
      return running(context).mail;
    }
    if (type == WireMockServer.class) {
      return running(context).llm;
    }
    if (type == WebhookReceiver.class) {
      return running(context).webhooks;
    }
    LocalPlatform platform = platform(context);
    if (type == SimulatedCluster.class) {
      return platform.cluster(); // the shared platform configures no real cluster
    }
    return type == LocalPlatform.class ? platform : client(platform);
  }

  private static Running running(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent("platform", key -> new Running(), Running.class);
  }

  /**
   * The shared platform, with a real SMTP server (GreenMail) its API sends mail to, and a WireMock
   * server standing in for an OpenAI-compatible LLM endpoint (its worker's {@code llm} engine);
   * tests take the {@link GreenMail} or {@link WireMockServer} as a parameter. Webhooks may reach
   * one receiver on loopback ({@link WebhookReceiver}, allowed by address and port through {@code
   * OUTBOUND_ALLOWED}); every other private or loopback destination stays refused.
   */
  private static final class Running implements ExtensionContext.Store.CloseableResource {
    final Path dataDir;
    final GreenMail mail;
    final WireMockServer llm;
    final WebhookReceiver webhooks;
    final LocalPlatform platform;

    Running() {
      try {
        webhooks = new WebhookReceiver();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      String allowed = "127.0.0.1:" + webhooks.port();
      mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
      mail.start();
      llm =
          new WireMockServer(
              WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
      llm.start();
      try {
        dataDir = Files.createTempDirectory("shipyard-test-");
        Map<String, Object> props = apiProperties();
        props.put("SMTP_HOST", "127.0.0.1");
        props.put("SMTP_PORT", mail.getSmtp().getPort());
        props.put("SMTP_STARTTLS", "false");
        props.put("OUTBOUND_ALLOWED", allowed);
        Map<String, Object> worker = new java.util.LinkedHashMap<>(WORKER_PROPERTIES);
        worker.put("LLM_BASE_URL", llm.baseUrl() + "/v1");
        worker.put("LLM_MODEL", "test-model");
        worker.put("LLM_API_KEY", LLM_API_KEY);
        worker.put("LLM_MAX_RETRIES", "1");
        worker.put("OUTBOUND_ALLOWED", allowed);
        platform =
            new LocalPlatform(
                    LocalPlatform.Settings.ephemeral(dataDir)
                        .withApiProperties(props)
                        .withWorkerProperties(worker))
                .start();
      } catch (Exception e) {
        llm.stop();
        mail.stop();
        closeQuietly(webhooks);
        throw new IllegalStateException("The local platform did not start", e);
      }
    }

    @Override
    public void close() throws IOException {
      platform.close();
      llm.stop();
      mail.stop();
      webhooks.close();
      deleteRecursively(dataDir);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already failing
    }
  }

  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
