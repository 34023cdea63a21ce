package dev.shipyard.standalone.testing;

import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.workflows.TaskQueues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.test.web.reactive.server.WebTestClient;

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

  /** The worker's task queues in tests: the real ones plus the test workflows. */
  static final Map<String, Object> WORKER_PROPERTIES =
      Map.of(
          "spring.temporal.workers[0].task-queue",
          TaskQueues.PLATFORM,
          "spring.temporal.workers[0].activity-beans[0]",
          "projectionActivities",
          "spring.temporal.workers[0].workflow-classes[0]",
          ProbeWorkflowImpl.class.getName());

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LocalPlatformExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    platform(context);
  }

  /** The shared platform, started on first use and stopped when the test run ends. */
  static LocalPlatform platform(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent("platform", key -> new Running(), Running.class)
        .platform;
  }

  /** Starts a platform of its own on free ports (for tests that break a component). */
  public static LocalPlatform startIsolated(Path dataDir) throws Exception {
    return new LocalPlatform(
            LocalPlatform.Settings.ephemeral(dataDir)
                .withApiProperties(apiProperties())
                .withWorkerProperties(WORKER_PROPERTIES))
        .start();
  }

  /** The API settings of test platforms. */
  static Map<String, Object> apiProperties() {
    Map<String, Object> props = new java.util.LinkedHashMap<>();
    props.put("shipyard.http.max-request-body", MAX_BODY_BYTES + "B");
    props.put("spring.codec.max-in-memory-size", MAX_BODY_BYTES + "B");
    return props;
  }

  public static WebTestClient client(LocalPlatform platform) {
    return WebTestClient.bindToServer()
        .baseUrl(platform.endpoints().apiUrl())
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalPlatform.class || type == WebTestClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalPlatform platform = platform(context);
    return parameter.getParameter().getType() == LocalPlatform.class ? platform : client(platform);
  }

  private static final class Running implements ExtensionContext.Store.CloseableResource {
    final Path dataDir;
    final LocalPlatform platform;

    Running() {
      try {
        dataDir = Files.createTempDirectory("shipyard-test-");
        platform = startIsolated(dataDir);
      } catch (Exception e) {
        throw new IllegalStateException("The local platform did not start", e);
      }
    }

    @Override
    public void close() throws IOException {
      platform.close();
      deleteRecursively(dataDir);
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
