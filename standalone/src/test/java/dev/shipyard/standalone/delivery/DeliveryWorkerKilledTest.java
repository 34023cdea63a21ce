package dev.shipyard.standalone.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.ActivityHistory;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.SeparateWorkers;
import dev.shipyard.standalone.testing.StoredCapsules;
import dev.shipyard.worker.WorkerApplication;
import dev.shipyard.workflows.TaskQueues;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 13 "Must show": the worker killed ({@code kill -9}) during an S3 upload, a new worker
 * completes the delivery; one object, no unfinished multipart upload left.
 *
 * <p>The platform of this test keeps its in-process worker off {@code shipyard-platform} (the
 * delivery workflow and its steps): a worker in a SEPARATE JVM ({@link WorkerApplication}, {@link
 * SeparateWorkers}) serves it. The capsule is 64 MB of incompressible text, so its archive takes
 * several parts; once the destination step's first attempt is running and its multipart upload
 * exists on the S3 server, the JVM is killed with SIGKILL. A second worker JVM takes over: Temporal
 * times the attempt out (its heartbeat timeout) and runs it again there; the new attempt aborts the
 * dead one's unfinished upload and uploads the object under the same key.
 */
class DeliveryWorkerKilledTest {

  private static final Duration DEADLINE = Duration.ofMinutes(6);

  private static final Set<String> QUEUES = Set.of(TaskQueues.PLATFORM);

  private SeparateWorkers workers;
  private LocalPlatform platform;

  @AfterEach
  void stop() {
    if (workers != null) {
      workers.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void anUploadWhoseWorkerIsKilledIsCompletedByAnotherWorkerWithOneObject(@TempDir Path tmp)
      throws Exception {
    Map<String, Object> worker =
        new java.util.LinkedHashMap<>(SeparateWorkers.queuesElsewhere(QUEUES));
    worker.put("OUTBOUND_ALLOWED", "127.0.0.1/32");
    platform =
        LocalPlatformExtension.startIsolated(
            tmp.resolve("data"), worker, Map.of("DELIVERY_WAIT", "0s"));
    workers = new SeparateWorkers(platform);
    WebTestClient api = LocalPlatformExtension.client(platform);
    JdbcTemplate jdbc = platform.workerContext().getBean(JdbcTemplate.class);
    Environment env = platform.workerContext().getEnvironment();
    Account owner = Accounts.register(api, "dlvkill");

    Random random = new Random(13);
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] bytes = new byte[6 * 1024 * 1024]; // 8 MiB of base64 text each
      random.nextBytes(bytes);
      files.add(
          new SourceFile("data/part-" + i + ".txt", Base64.getEncoder().encodeToString(bytes)));
    }
    String project = Accounts.unique("kill");
    StoredCapsules.store(platform, owner, project, files);
    files.clear();
    String capsuleId = "cap-" + project;

    String bucket = "killed-" + project.toLowerCase().replace('_', '-');
    try (S3Client s3 = s3(env)) {
      s3.createBucket(b -> b.bucket(bucket));
      Process first = workers.start(tmp.resolve("worker-1.log"), QUEUES);
      Map<String, Object> accepted =
          Json.call(
              api,
              HttpMethod.POST,
              "/capsule/" + capsuleId + "/deliver",
              owner.accessToken(),
              Map.of(
                  "delivery_configs",
                  List.of(
                      Map.of(
                          "mode",
                          "s3",
                          "destination",
                          bucket,
                          "credentials",
                          Map.of(
                              "access_key_id", env.getProperty("S3_ACCESS_KEY"),
                              "secret_access_key", env.getProperty("S3_SECRET_KEY")),
                          "options",
                          Map.of("endpoint", env.getProperty("S3_ENDPOINT"))))),
              202);
      String deliveryId = (String) accepted.get("delivery_id");
      String workflowId = "delivery-" + deliveryId;
      WorkflowClient temporal = platform.workerContext().getBean(WorkflowClient.class);

      poll(
          () -> {
            assertThat(first.isAlive()).as("the first worker JVM runs").isTrue();
            return uploadStarted(temporal, workflowId)
                    && !s3.listMultipartUploads(l -> l.bucket(bucket)).uploads().isEmpty()
                ? true
                : null;
          },
          "the first attempt uploading parts");
      assertThat(s3.listObjectsV2(l -> l.bucket(bucket)).contents())
          .as("not complete yet")
          .isEmpty();

      first.destroyForcibly(); // SIGKILL
      first.waitFor();
      workers.start(tmp.resolve("worker-2.log"), QUEUES);

      poll(
          () -> "completed".equals(status(jdbc, workflowId)) ? true : null,
          "the delivery completed after the second worker took over");

      Map<String, Object> delivery =
          Json.call(
              api,
              HttpMethod.GET,
              "/capsule/" + capsuleId + "/deliveries/" + deliveryId,
              owner.accessToken(),
              null,
              200);
      assertThat(delivery.get("summary"))
          .isEqualTo(Map.of("total_destinations", 1, "successful", 1, "failed", 0));
      List<S3Object> objects = s3.listObjectsV2(l -> l.bucket(bucket)).contents();
      assertThat(objects).as("one object").hasSize(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> result =
          ((List<Map<String, Object>>) delivery.get("destinations")).get(0);
      assertThat(result.get("url")).isEqualTo("s3://" + bucket + "/" + objects.get(0).key());
      byte[] stored =
          s3.getObjectAsBytes(g -> g.bucket(bucket).key(objects.get(0).key())).asByteArray();
      assertThat(result.get("checksum"))
          .isEqualTo("sha256:" + dev.shipyard.storage.FileManifest.sha256(stored));
      assertThat(s3.listMultipartUploads(l -> l.bucket(bucket)).uploads())
          .as("the dead attempt's unfinished upload was aborted")
          .isEmpty();

      List<HistoryEvent> history = temporal.fetchHistory(workflowId).getHistory().getEventsList();
      ActivityHistory activities = ActivityHistory.of(history);
      List<Long> steps = activities.scheduledAs("DeliveryDestinationDeliver");
      assertThat(steps).as("one destination step").hasSize(1);
      assertThat(activities.completions().get(steps.get(0))).isEqualTo(1);
      assertThat(activities.attempts().get(steps.get(0)))
          .as("completed on a later attempt (the first died with its worker)")
          .isGreaterThanOrEqualTo(2);
    }
  }

  private static S3Client s3(Environment env) {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .endpointOverride(URI.create(env.getProperty("S3_ENDPOINT")))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    env.getProperty("S3_ACCESS_KEY"), env.getProperty("S3_SECRET_KEY"))))
        .build();
  }

  /**
   * Whether the destination step's first attempt is running (on the first worker, the only one).
   */
  private static boolean uploadStarted(WorkflowClient temporal, String workflowId) {
    return temporal
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(temporal.getOptions().getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getPendingActivitiesList()
        .stream()
        .anyMatch(
            a ->
                a.getActivityType().getName().equals("DeliveryDestinationDeliver")
                    && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                    && a.getAttempt() == 1);
  }

  private static String status(JdbcTemplate jdbc, String workflowId) {
    List<String> statuses =
        jdbc.queryForList(
            "SELECT status FROM workflow_runs WHERE workflow_id = ?", String.class, workflowId);
    return statuses.isEmpty() ? null : statuses.get(0);
  }

  private static <T> T poll(Supplier<T> probe, String what) {
    return Awaitility.await(what)
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .until(probe::get, java.util.Objects::nonNull);
  }
}
