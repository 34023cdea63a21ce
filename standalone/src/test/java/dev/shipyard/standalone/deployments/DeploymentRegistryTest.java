package dev.shipyard.standalone.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.DockerRegistry;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 11: 422 on registry access refused "when the registry can be asked". A REAL registry
 * (Debian's {@code docker-registry} with htpasswd authentication, {@link DockerRegistry}) holds
 * {@code acme/shop:1.0}; the API of a platform of its own may reach it ({@code OUTBOUND_ALLOWED})
 * and a closed port. Wrong credentials are 422 with the registry's reason, a missing tag 422 "not
 * found", valid credentials pass; an unreachable registry or one the outbound guard refuses does
 * not stop the create, and the answer says it was not checked. Nothing is stored for a refusal; the
 * password is in no answer.
 */
class DeploymentRegistryTest {

  private static final String USER = "puller";
  private static final String PASSWORD = "registry-pass-" + UUID.randomUUID();

  private static Path dataDir;
  private static DockerRegistry registry;
  private static LocalPlatform platform;
  private static WebTestClient api;
  private static JdbcTemplate jdbc;
  private static int closedPort;

  @BeforeAll
  static void start() throws Exception {
    registry = DockerRegistry.start(USER, PASSWORD);
    registry.push("acme/shop", "1.0");
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      closedPort = s.getLocalPort();
    }
    dataDir = Files.createTempDirectory("shipyard-registry-test-");
    platform =
        LocalPlatformExtension.startIsolated(
            dataDir.resolve("data"),
            Map.of(),
            Map.of("OUTBOUND_ALLOWED", registry.host() + ",127.0.0.1:" + closedPort));
    api = LocalPlatformExtension.client(platform);
    jdbc = platform.workerContext().getBean(JdbcTemplate.class);
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static Map<String, Object> create(
      Account owner, String app, String image, String user, String password, int status) {
    Map<String, Object> answer =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/deployments",
            owner.accessToken(),
            Map.of(
                "app_name",
                app,
                "image",
                image,
                "port",
                8080,
                "registry_auth",
                Map.of("username", user, "password", password)),
            status);
    assertThat(answer.toString()).doesNotContain(PASSWORD).doesNotContain("wrong-password");
    return answer;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> error(Map<String, Object> answer) {
    assertThat(answer).containsOnlyKeys("error");
    return (Map<String, Object>) answer.get("error");
  }

  private static int deploymentsOf(Account owner) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM deployments WHERE owner_id = ?",
        Integer.class,
        UUID.fromString(owner.id()));
  }

  @Test
  void wrongCredentialsAreRefusedWithTheRegistrysReasonAndNothingIsStored() {
    Account owner = Accounts.register(api, "regrefused");
    Map<String, Object> refused =
        error(
            create(owner, "shop", registry.host() + "/acme/shop:1.0", USER, "wrong-password", 422));
    assertThat(refused).containsEntry("details", "registry_auth");
    assertThat((String) refused.get("message"))
        .contains("refused registry_auth for " + registry.host() + "/acme/shop:1.0")
        .contains("HTTP 401")
        .contains("UNAUTHORIZED");
    // An unknown user too (the registry answers the same).
    error(create(owner, "shop", registry.host() + "/acme/shop:1.0", "nobody", PASSWORD, 422));
    assertThat(deploymentsOf(owner)).isZero();
  }

  @Test
  void aMissingTagIsNotFoundAndAnExistingImageWithValidCredentialsIsCreated() {
    Account owner = Accounts.register(api, "regok");
    Map<String, Object> missing =
        error(create(owner, "shop", registry.host() + "/acme/shop:2.0", USER, PASSWORD, 422));
    assertThat(missing).containsEntry("details", "image");
    assertThat((String) missing.get("message"))
        .contains("has no image " + registry.host() + "/acme/shop:2.0")
        .contains("MANIFEST_UNKNOWN");
    Map<String, Object> noRepo =
        error(create(owner, "shop", registry.host() + "/acme/other:1.0", USER, PASSWORD, 422));
    // distribution 2.8 answers an unknown repository with MANIFEST_UNKNOWN too
    assertThat((String) noRepo.get("message"))
        .contains("has no image " + registry.host() + "/acme/other:1.0")
        .containsAnyOf("NAME_UNKNOWN", "MANIFEST_UNKNOWN");
    assertThat(deploymentsOf(owner)).isZero();

    Map<String, Object> created =
        create(owner, "shop", registry.host() + "/acme/shop:1.0", USER, PASSWORD, 201);
    assertThat(created)
        .containsEntry("status", "pending")
        .containsEntry("message", "Deployment is being processed");
    String id = (String) created.get("id");

    // An update with credentials is asked too: refused, nothing changes.
    Map<String, Object> update =
        Json.call(
            api,
            HttpMethod.PUT,
            "/v1/deployments/" + id,
            owner.accessToken(),
            Map.of("registry_auth", Map.of("username", USER, "password", "wrong-password")),
            422);
    assertThat(update.toString()).doesNotContain("wrong-password").doesNotContain(PASSWORD);
    assertThat(error(update)).containsEntry("details", "registry_auth");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM deployment_secrets WHERE deployment_id = ?",
                Integer.class,
                UUID.fromString(id)))
        .as("no secrets revision added for the refused update")
        .isEqualTo(1);
  }

  @Test
  void aRegistryThatCannotBeAskedDoesNotStopTheCreateAndTheAnswerSaysSo() {
    Account owner = Accounts.register(api, "regunasked");
    Map<String, Object> unreachable =
        create(owner, "down", "127.0.0.1:" + closedPort + "/acme/shop:1.0", USER, PASSWORD, 201);
    assertThat((String) unreachable.get("message"))
        .startsWith("Deployment is being processed; registry access to 127.0.0.1:")
        .contains("not checked: unreachable");

    Map<String, Object> guarded =
        create(owner, "guarded", "127.0.0.1:1/acme/shop:1.0", USER, PASSWORD, 201);
    assertThat((String) guarded.get("message")).contains("not checked: the destination is refused");

    // Without a registry host (Docker Hub) nothing is asked.
    Map<String, Object> hub = create(owner, "hub", "acme/shop:1.0", USER, PASSWORD, 201);
    assertThat(hub).containsEntry("message", "Deployment is being processed");
    assertThat(deploymentsOf(owner)).isEqualTo(3);
    assertThat(List.of(unreachable, guarded, hub)).allSatisfy(a -> assertThat(a).containsKey("id"));
  }
}
