package dev.shipyard.standalone.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.LogCapture;
import dev.shipyard.standalone.testing.StoredCapsules;
import dev.shipyard.standalone.testing.WebhookReceiver;
import dev.shipyard.standalone.webhooks.StandardWebhooksVerifier;
import dev.shipyard.storage.FileManifest;
import dev.shipyard.workflows.delivery.DeliveryProviders;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Delivery through the public API on a platform of its own (capsules-api.md §4, §13), whose worker
 * may reach loopback (the embedded S3 server) and whose destinations are retried for 45 s (a cold
 * worker on a loaded machine): a version delivered to two buckets of the embedded S3 server is read
 * back with the AWS CLI, byte-equal with the version's stream and its checksum, and through its
 * presigned URL with curl; a destination at a closed port is retried and reported failed with its
 * cause while the others succeed; the cloud metadata endpoint is refused at once; bad input is 4xx
 * with nothing stored; saved targets; and no secret given appears in any encoding in the workflow's
 * history, the rows, the answers or the logs.
 */
class DeliveryApiTest {

  private static Path dataDir;
  private static LocalPlatform platform;
  private static WebTestClient api;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("shipyard-delivery-");
    platform =
        LocalPlatformExtension.startIsolated(
            dataDir,
            Map.of("OUTBOUND_ALLOWED", "127.0.0.1/32"),
            Map.of(
                "DELIVERY_RETRY_WINDOW",
                "45s",
                "DELIVERY_WAIT",
                "180s",
                "OUTBOUND_ALLOWED",
                "127.0.0.1/32"));
    api =
        LocalPlatformExtension.client(platform)
            .mutate()
            .responseTimeout(Duration.ofSeconds(240))
            .build();
  }

  @AfterAll
  static void stop() throws IOException {
    if (platform != null) {
      platform.close();
    }
    LocalPlatformExtension.deleteRecursively(dataDir);
  }

  private static List<SourceFile> files(String name) {
    return List.of(
        new SourceFile("README.md", "# " + name + "\n"),
        new SourceFile("app/main.py", "print('" + name + "')\n"),
        new SourceFile("app/data/big.txt", ("line of " + name + "\n").repeat(20_000)));
  }

  private static JdbcTemplate jdbc() {
    return platform.workerContext().getBean(JdbcTemplate.class);
  }

  private static Environment env() {
    return platform.workerContext().getEnvironment();
  }

  /** The embedded S3 server's credentials (the platform's own, generated for this run). */
  private static Map<String, String> s3Credentials() {
    return Map.of(
        "access_key_id", env().getProperty("S3_ACCESS_KEY"),
        "secret_access_key", env().getProperty("S3_SECRET_KEY"));
  }

  /** Runs the AWS CLI against the embedded S3 server; its standard output. */
  private static byte[] aws(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("AWS_ACCESS_KEY_ID", env().getProperty("S3_ACCESS_KEY"));
    pb.environment().put("AWS_SECRET_ACCESS_KEY", env().getProperty("S3_SECRET_KEY"));
    pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
    pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
    pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("aws " + String.join(" ", args)).isZero();
    return out;
  }

  private static byte[] curl(String url) throws Exception {
    Process p =
        new ProcessBuilder("curl", "-sS", "--fail", "--globoff", url)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("curl " + url).isZero();
    return out;
  }

  private static String endpoint() {
    return platform.endpoints().s3Endpoint();
  }

  private static String newBucket() throws Exception {
    String bucket = Accounts.unique("delivery").toLowerCase().replace('_', '-');
    aws("s3api", "create-bucket", "--bucket", bucket);
    return bucket;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static byte[] stream(Account owner, String capsuleId, String versionId, String format) {
    return api.get()
        .uri("/capsule/" + capsuleId + "/stream?format=" + format + "&version_id=" + versionId)
        .headers(h -> h.setBearerAuth(owner.accessToken()))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(byte[].class)
        .returnResult()
        .getResponseBody();
  }

  private static Map<String, Object> s3Config(
      String bucket, Map<String, String> credentials, Map<String, Object> options) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("mode", "s3");
    config.put("destination", bucket);
    config.put("credentials", credentials);
    config.put("options", options);
    return config;
  }

  @Test
  @SuppressWarnings("unchecked")
  void deliveredToTwoBucketsReadBackByTheAwsCliWhileADownDestinationIsRetriedThenReported()
      throws Exception {
    Account owner = Accounts.register(api, "deliverer");
    String project = Accounts.unique("dlv");
    StoredCapsules.store(platform, owner, project, files(project));
    String capsuleId = "cap-" + project;
    String versionId =
        jdbc()
            .queryForObject(
                "SELECT id FROM capsule_versions WHERE capsule_id = ? AND number = 1",
                String.class,
                capsuleId);
    String bucketA = newBucket();
    String bucketB = newBucket();
    int closed = closedPort();
    // Secrets with characters whose encodings differ (base64, URL, JSON escapes).
    String fakeKeyId = "AKIAFAKE" + Accounts.unique("k").toUpperCase().replaceAll("[^A-Z0-9]", "");
    String fakeSecret = "fake/Secret+Key=\"quoted\"\\and-é-" + Accounts.unique("s");
    String metadataSecret = "metadata+Secret/=" + Accounts.unique("m");

    List<Object> configs =
        List.of(
            s3Config(
                bucketA,
                s3Credentials(),
                Map.of("endpoint", endpoint(), "prefix", "out/", "format", "tar.gz")),
            s3Config(
                bucketB,
                s3Credentials(),
                Map.of(
                    "endpoint",
                    endpoint(),
                    "format",
                    "zip",
                    "url_expiry_seconds",
                    600,
                    "path_style",
                    true)),
            s3Config(
                "down-bucket",
                Map.of("access_key_id", fakeKeyId, "secret_access_key", fakeSecret),
                Map.of("endpoint", "http://127.0.0.1:" + closed)),
            s3Config(
                "metadata-bucket",
                Map.of("access_key_id", fakeKeyId, "secret_access_key", metadataSecret),
                Map.of("endpoint", "http://169.254.169.254/")));

    // The owner subscribes to delivery.failed: the message must reach a receiver whose check is
    // the official standardwebhooks library, and must not hold the delivery's secrets either.
    WebhookReceiver receiver = new WebhookReceiver();
    Map<String, Object> subscription =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/webhooks",
            owner.accessToken(),
            Map.of("url", receiver.url("/hooks"), "events", List.of("delivery.failed")),
            201);
    String webhookSecret = (String) subscription.get("secret");

    List<String> answers = new ArrayList<>();
    Map<String, Object> delivery;
    try (LogCapture logs = new LogCapture(LogCapture.PLATFORM_LOGGERS)) {
      delivery =
          Json.call(
              api,
              HttpMethod.POST,
              "/capsule/" + capsuleId + "/deliver",
              owner.accessToken(),
              Map.of("delivery_configs", configs),
              200);
      answers.add(String.valueOf(delivery));
      String deliveryId = (String) delivery.get("delivery_id");
      Map<String, Object> again =
          Json.call(
              api,
              HttpMethod.GET,
              "/capsule/" + capsuleId + "/deliveries/" + deliveryId,
              owner.accessToken(),
              null,
              200);
      answers.add(String.valueOf(again));
      assertThat(again).isEqualTo(delivery);
      answers.add(
          logs.events().stream().map(LogCapture::render).reduce("", (a, b) -> a + "\n" + b));
    }

    String deliveryId = (String) delivery.get("delivery_id");
    assertThat(delivery)
        .containsEntry("capsule_id", capsuleId)
        .containsEntry("version_id", versionId)
        .containsEntry("status", "completed")
        .containsEntry("summary", Map.of("total_destinations", 4, "successful", 2, "failed", 2))
        .containsEntry("status_url", "/capsule/" + capsuleId + "/deliveries/" + deliveryId);
    List<Map<String, Object>> destinations =
        (List<Map<String, Object>>) delivery.get("destinations");
    assertThat(destinations)
        .extracting(d -> d.get("destination"), d -> d.get("success"), d -> d.get("error_code"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(bucketA, true, null),
            org.assertj.core.groups.Tuple.tuple(bucketB, true, null),
            org.assertj.core.groups.Tuple.tuple("down-bucket", false, "DESTINATION_UNAVAILABLE"),
            org.assertj.core.groups.Tuple.tuple("metadata-bucket", false, "OUTBOUND_REFUSED"));

    // tar.gz to bucket A: read back by the AWS CLI, byte-equal with the version's stream
    String keyA = "out/" + capsuleId + "_" + versionId + "_" + deliveryId + ".tar.gz";
    Map<String, Object> a = destinations.get(0);
    assertThat(a.get("url")).isEqualTo("s3://" + bucketA + "/" + keyA);
    byte[] streamed = stream(owner, capsuleId, versionId, "tar.gz");
    byte[] fromCli = aws("s3", "cp", "s3://" + bucketA + "/" + keyA, "-");
    assertThat(fromCli).isEqualTo(streamed);
    assertThat(a.get("checksum")).isEqualTo("sha256:" + FileManifest.sha256(fromCli));
    assertThat(curl((String) a.get("signed_url"))).isEqualTo(streamed);
    assertThat((Map<String, String>) a.get("metadata"))
        .containsEntry("bucket", bucketA)
        .containsEntry("key", keyA)
        .containsEntry("size", Integer.toString(streamed.length));
    // one object under the prefix: the delivery's
    assertThat(
            new String(
                    aws("s3", "ls", "--recursive", "s3://" + bucketA + "/"), StandardCharsets.UTF_8)
                .lines())
        .hasSize(1)
        .allSatisfy(line -> assertThat(line).endsWith(keyA));

    // zip to bucket B
    String keyB = capsuleId + "_" + versionId + "_" + deliveryId + ".zip";
    Map<String, Object> b = destinations.get(1);
    byte[] zip = stream(owner, capsuleId, versionId, "zip");
    assertThat(aws("s3", "cp", "s3://" + bucketB + "/" + keyB, "-")).isEqualTo(zip);
    assertThat(b.get("checksum")).isEqualTo("sha256:" + FileManifest.sha256(zip));
    assertThat(curl((String) b.get("signed_url"))).isEqualTo(zip);
    assertThat((String) b.get("signed_url")).contains("X-Amz-Expires=600");

    // the closed port: retried within its window, then reported with its cause
    Map<String, Object> down = destinations.get(2);
    assertThat((String) down.get("error"))
        .startsWith(
            "not delivered within its retry window of PT45S; last error: S3 could not be reached")
        .contains("127.0.0.1:" + closed);
    // the metadata address: refused before anything is sent, never retried
    Map<String, Object> metadata = destinations.get(3);
    assertThat((String) metadata.get("error"))
        .startsWith("The S3 endpoint is refused: 169.254.169.254")
        .endsWith("never called");
    assertThat((List<String>) delivery.get("recommendations")).hasSize(2);

    WorkflowClient temporal = platform.workerContext().getBean(WorkflowClient.class);
    var history = temporal.fetchHistory("delivery-" + deliveryId);
    Map<String, Integer> attempts = new LinkedHashMap<>();
    Map<Long, String> scheduled = new LinkedHashMap<>();
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && e.getActivityTaskScheduledEventAttributes()
              .getActivityType()
              .getName()
              .equals("DeliveryDestinationDeliver")) {
        String input =
            e.getActivityTaskScheduledEventAttributes()
                .getInput()
                .getPayloads(0)
                .getData()
                .toStringUtf8();
        scheduled.put(
            e.getEventId(),
            input.contains("down-bucket")
                ? "down"
                : input.contains("metadata-bucket") ? "metadata" : "ok");
      }
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
          && scheduled.containsKey(
              e.getActivityTaskStartedEventAttributes().getScheduledEventId())) {
        attempts.put(
            scheduled.get(e.getActivityTaskStartedEventAttributes().getScheduledEventId())
                + e.getEventId(),
            e.getActivityTaskStartedEventAttributes().getAttempt());
      }
    }
    assertThat(attempts.entrySet())
        .filteredOn(en -> en.getKey().startsWith("down"))
        .singleElement()
        .satisfies(en -> assertThat(en.getValue()).as("attempts of the down one").isGreaterThan(1));
    assertThat(attempts.entrySet())
        .filteredOn(en -> en.getKey().startsWith("metadata"))
        .singleElement()
        .satisfies(en -> assertThat(en.getValue()).isEqualTo(1));

    // the outbox: one capsule.delivered and one delivery.failed, with the documented data
    List<Map<String, Object>> events =
        jdbc()
            .queryForList(
                "SELECT event, payload::text AS payload, version_id FROM capsule_events"
                    + " WHERE delivery_id = ?::uuid ORDER BY event",
                deliveryId);
    assertThat(events)
        .extracting(e -> e.get("event"))
        .containsExactly("capsule.delivered", "delivery.failed");
    assertThat(events).allSatisfy(e -> assertThat(e.get("version_id")).isEqualTo(versionId));
    Map<String, Object> failedData =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue((String) events.get(1).get("payload"), Map.class);
    assertThat(failedData)
        .containsEntry("capsule_id", capsuleId)
        .containsEntry("version_id", versionId)
        .containsEntry("delivery_id", deliveryId)
        .containsEntry("user_id", owner.id())
        .containsEntry("summary", Map.of("total_destinations", 4, "successful", 2, "failed", 2));
    assertThat((List<Map<String, Object>>) failedData.get("failed_destinations"))
        .extracting(d -> d.get("destination"), d -> d.get("error_code"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("down-bucket", "DESTINATION_UNAVAILABLE"),
            org.assertj.core.groups.Tuple.tuple("metadata-bucket", "OUTBOUND_REFUSED"));
    Map<String, Object> deliveredData =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue((String) events.get(0).get("payload"), Map.class);
    assertThat((List<Map<String, Object>>) deliveredData.get("destinations"))
        .extracting(d -> d.get("destination"), d -> d.get("checksum"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(bucketA, a.get("checksum")),
            org.assertj.core.groups.Tuple.tuple(bucketB, b.get("checksum")));
    // the inline credentials are erased once the delivery ended
    assertThat(
            jdbc()
                .queryForObject(
                    "SELECT count(*) FROM delivery_credentials WHERE delivery_id = ?::uuid",
                    Integer.class,
                    deliveryId))
        .isZero();

    // delivery.failed reached the subscriber, signed as Standard Webhooks says
    WebhookReceiver.Request failedHook;
    try (receiver) {
      failedHook = receiver.poll(Duration.ofSeconds(60));
    }
    assertThat(failedHook).as("delivery.failed at the subscriber").isNotNull();
    assertThat(StandardWebhooksVerifier.verify(webhookSecret, failedHook)).isEqualTo("verified");
    Map<String, Object> hookBody =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(failedHook.body(), Map.class);
    assertThat(hookBody).containsEntry("event", "delivery.failed");
    assertThat((Map<String, Object>) hookBody.get("data"))
        .containsEntry("delivery_id", deliveryId)
        .containsEntry("capsule_id", capsuleId);
    answers.add(failedHook.toString());

    // no secret, in any encoding, in the history, the rows, the answers, the logs or the webhook
    List<String> places = new ArrayList<>(answers);
    places.add(history.toJson(true));
    places.add(String.valueOf(history.getEvents()));
    for (String table :
        List.of("deliveries", "delivery_results", "capsule_events", "workflow_runs")) {
      places.add(String.valueOf(jdbc().queryForList("SELECT * FROM " + table)));
    }
    List<String> secrets = List.of(env().getProperty("S3_SECRET_KEY"), fakeSecret, metadataSecret);
    for (String secret : secrets) {
      for (String encoded : encodings(secret)) {
        assertThat(places).allSatisfy(place -> assertThat(place).doesNotContain(encoded));
      }
    }
  }

  /** A secret as it could leak: raw, base64 (both alphabets), URL-encoded and JSON-escaped. */
  static List<String> encodings(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    return List.of(
        secret,
        Base64.getEncoder().encodeToString(bytes),
        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
        URLEncoder.encode(secret, StandardCharsets.UTF_8),
        secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/"),
        secret.replace("\\", "\\\\").replace("\"", "\\\""),
        new com.fasterxml.jackson.core.io.JsonStringEncoder().quoteAsString(secret).length > 0
            ? new String(
                new com.fasterxml.jackson.core.io.JsonStringEncoder().quoteAsString(secret))
            : secret);
  }

  @Test
  @SuppressWarnings("unchecked")
  void badInputIsRefusedWithNothingStoredOrStarted() throws Exception {
    Account owner = Accounts.register(api, "badinput");
    String project = Accounts.unique("bad");
    StoredCapsules.store(platform, owner, project, files(project));
    String capsuleId = "cap-" + project;
    String uri = "/capsule/" + capsuleId + "/deliver";
    Map<String, String> creds = Map.of("access_key_id", "AKIA", "secret_access_key", "x-secret");
    int before = jdbc().queryForObject("SELECT count(*) FROM deliveries", Integer.class);
    int credsBefore =
        jdbc().queryForObject("SELECT count(*) FROM delivery_credentials", Integer.class);

    record Case(Object body, int status, String code, String field) {}
    List<Case> cases =
        List.of(
            new Case(
                Map.of("delivery_configs", List.of(Map.of("mode", "ftp", "destination", "x"))),
                400,
                "BAD_REQUEST",
                "delivery_configs[0].mode"),
            new Case(
                Map.of(
                    "delivery_configs",
                    List.of(
                        Map.of(
                            "mode", "s3",
                            "destination", "b",
                            "credentials", Map.of("access_key_id", "AKIA")))),
                422,
                "VALIDATION_ERROR",
                "delivery_configs[0].credentials"),
            new Case(
                Map.of(
                    "delivery_configs",
                    List.of(
                        Map.of(
                            "mode",
                            "s3",
                            "destination",
                            "b",
                            "credentials",
                            Map.of(
                                "access_key_id", "AKIA",
                                "secret_access_key", "x-secret",
                                "password", "p")))),
                422,
                "VALIDATION_ERROR",
                "delivery_configs[0].credentials"),
            new Case(
                Map.of(
                    "delivery_configs",
                    List.of(s3Config("b", creds, Map.of("acl", "public-read")))),
                422,
                "VALIDATION_ERROR",
                "delivery_configs[0].options"),
            new Case(
                Map.of("delivery_configs", List.of(s3Config("b", creds, Map.of("format", "rar")))),
                400,
                "BAD_REQUEST",
                "delivery_configs[0].options.format"),
            new Case(
                Map.of(
                    "delivery_configs",
                    List.of(s3Config("b", creds, Map.of("endpoint", "ftp://host/")))),
                422,
                "VALIDATION_ERROR",
                "delivery_configs[0].options.endpoint"),
            new Case(
                Map.of("delivery_configs", List.of(s3Config("", creds, Map.of()))),
                422,
                "VALIDATION_ERROR",
                "delivery_configs[0].destination"),
            new Case(
                Map.of("delivery_configs", List.of()), 422, "VALIDATION_ERROR", "delivery_configs"),
            new Case(
                Map.of("delivery_configs", List.of(s3Config("b", creds, Map.of())), "extra", 1),
                422,
                "VALIDATION_ERROR",
                "extra"),
            new Case(
                Map.of(
                    "delivery_configs",
                    List.of(Map.of("target_id", "00000000-0000-0000-0000-000000000000"))),
                422,
                "VALIDATION_ERROR",
                "delivery_configs[0].target_id"));
    for (Case c : cases) {
      Map<String, Object> error =
          Json.call(api, HttpMethod.POST, uri, owner.accessToken(), c.body(), c.status());
      assertThat(error).as(String.valueOf(c.body())).containsEntry("error_code", c.code());
      assertThat(String.valueOf(error)).doesNotContain("x-secret");
    }
    // a capsule of another user does not exist for the caller; a viewer may not deliver
    Account stranger = Accounts.register(api, "stranger");
    Map<String, Object> valid = Map.of("delivery_configs", List.of(s3Config("b", creds, Map.of())));
    assertThat(Json.call(api, HttpMethod.POST, uri, stranger.accessToken(), valid, 404))
        .containsEntry("error_code", "CAPSULE_NOT_FOUND");
    Account viewer = Accounts.create(api, Accounts.operator(api), "viewer", "viewer");
    Json.call(api, HttpMethod.POST, uri, viewer.accessToken(), valid, 403);
    // an unknown version is 404
    assertThat(
            Json.call(
                api,
                HttpMethod.POST,
                uri,
                owner.accessToken(),
                Map.of(
                    "version_id",
                    "ver-none",
                    "delivery_configs",
                    List.of(s3Config("b", creds, Map.of()))),
                404))
        .containsEntry("error_code", "VERSION_NOT_FOUND");

    assertThat(jdbc().queryForObject("SELECT count(*) FROM deliveries", Integer.class))
        .isEqualTo(before);
    assertThat(jdbc().queryForObject("SELECT count(*) FROM delivery_credentials", Integer.class))
        .isEqualTo(credsBefore);
    // and the stranger cannot read a delivery of the capsule either
    Json.call(
        api,
        HttpMethod.GET,
        "/capsule/" + capsuleId + "/deliveries/00000000-0000-0000-0000-000000000000",
        owner.accessToken(),
        null,
        404);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theProvidersAreTheRegistryAndSavedTargetsNeverAnswerTheirCredentials() throws Exception {
    Account owner = Accounts.register(api, "targets");
    Map<String, Object> providers =
        Json.call(api, HttpMethod.GET, "/delivery/providers", owner.accessToken(), null, 200);
    assertThat((List<Map<String, Object>>) providers.get("providers"))
        .extracting(p -> p.get("name"))
        .containsExactlyElementsOf(DeliveryProviders.names());
    Map<String, Object> s3 = ((List<Map<String, Object>>) providers.get("providers")).get(0);
    assertThat(s3.get("required_credentials"))
        .isEqualTo(List.of("access_key_id", "secret_access_key"));

    String bucket = newBucket();
    Map<String, Object> target =
        Json.call(
            api,
            HttpMethod.POST,
            "/delivery/targets",
            owner.accessToken(),
            Map.of(
                "name",
                "my-bucket",
                "mode",
                "s3",
                "destination",
                bucket,
                "credentials",
                s3Credentials(),
                "options",
                Map.of("endpoint", endpoint(), "format", "zip")),
            201);
    assertThat(target)
        .containsEntry("name", "my-bucket")
        .containsEntry("credential_names", List.of("access_key_id", "secret_access_key"))
        .doesNotContainKey("credentials");
    assertThat(String.valueOf(target)).doesNotContain(env().getProperty("S3_SECRET_KEY"));
    Json.call(
        api,
        HttpMethod.POST,
        "/delivery/targets",
        owner.accessToken(),
        Map.of(
            "name",
            "my-bucket",
            "mode",
            "s3",
            "destination",
            bucket,
            "credentials",
            s3Credentials()),
        409);
    Map<String, Object> list =
        Json.call(api, HttpMethod.GET, "/delivery/targets", owner.accessToken(), null, 200);
    assertThat((List<Map<String, Object>>) list.get("targets"))
        .singleElement()
        .satisfies(t -> assertThat(t.get("id")).isEqualTo(target.get("id")));
    assertThat(String.valueOf(list)).doesNotContain(env().getProperty("S3_SECRET_KEY"));
    Account other = Accounts.register(api, "othertargets");
    assertThat(
            (List<?>)
                Json.call(api, HttpMethod.GET, "/delivery/targets", other.accessToken(), null, 200)
                    .get("targets"))
        .isEmpty();

    String project = Accounts.unique("tgt");
    StoredCapsules.store(platform, owner, project, files(project));
    String capsuleId = "cap-" + project;
    Map<String, Object> delivery =
        Json.call(
            api,
            HttpMethod.POST,
            "/capsule/" + capsuleId + "/deliver",
            owner.accessToken(),
            Map.of("delivery_configs", List.of(Map.of("target_id", target.get("id")))),
            200);
    Map<String, Object> result = ((List<Map<String, Object>>) delivery.get("destinations")).get(0);
    assertThat(result).containsEntry("success", true).containsEntry("destination", bucket);
    assertThat((String) result.get("url")).endsWith(".zip");
    // the saved target's credentials stay (they are the target's, not the delivery's)
    assertThat(
            jdbc()
                .queryForObject(
                    "SELECT count(*) FROM delivery_targets t JOIN delivery_credentials c"
                        + " ON c.id = t.credential_id WHERE t.id = ?::uuid",
                    Integer.class,
                    target.get("id")))
        .isEqualTo(1);

    Json.call(
        api,
        HttpMethod.DELETE,
        "/delivery/targets/" + target.get("id"),
        other.accessToken(),
        null,
        404);
    assertThat(
            Json.call(
                api,
                HttpMethod.DELETE,
                "/delivery/targets/" + target.get("id"),
                owner.accessToken(),
                null,
                200))
        .containsEntry("message", "Delivery target " + target.get("id") + " deleted");
    assertThat(
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/capsule/" + capsuleId + "/deliver",
                    owner.accessToken(),
                    Map.of("delivery_configs", List.of(Map.of("target_id", target.get("id")))),
                    422)
                .get("error_code"))
        .isEqualTo("VALIDATION_ERROR");
  }
}
