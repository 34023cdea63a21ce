package dev.shipyard.standalone.identity;

import static dev.shipyard.standalone.testing.Accounts.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Roles, ownership and tenant isolation, through the public API. */
@ExtendWith(LocalPlatformExtension.class)
class AccessControlTest {

  @Test
  void aViewerReadsButCannotCreate(WebTestClient api) {
    Account operator = Accounts.operator(api);
    Account viewer = Accounts.create(api, operator, "viewer", "viewer");
    assertThat(AccountsTest.claims(viewer.accessToken())).containsEntry("role", "viewer");
    Json.call(api, HttpMethod.GET, "/v1/user/profile", viewer.accessToken(), null, 200);
    Json.call(api, HttpMethod.GET, "/v1/api-keys", viewer.accessToken(), null, 200);
    Map<String, Object> denied =
        Json.call(
            api, HttpMethod.POST, "/v1/api-keys", viewer.accessToken(), Map.of("name", "k"), 403);
    assertThat(AccountsTest.message(denied)).isEqualTo("Insufficient permissions");

    // The denial is in the audit trail, with the caller and what was required.
    Map<String, Object> event = latest(api, operator, "access.denied", viewer.id());
    assertThat(event)
        .containsEntry("outcome", "denied")
        .containsEntry("subject", "POST /v1/api-keys");
    assertThat(event.get("details").toString()).contains("apikey:create");
    assertThat(event.get("request_id")).isNotNull();
    assertThat(event.get("ip")).isEqualTo("127.0.0.1");
  }

  @Test
  void usersCannotReachOtherUsersKeysOrAdministration(WebTestClient api) {
    Account alice = Accounts.register(api, "alice");
    Account bob = Accounts.register(api, "bob");
    String aliceKey = keyId(api, alice);

    assertThat(
            Json.call(api, HttpMethod.GET, "/v1/api-keys", bob.accessToken(), null, 200)
                .get("api_keys"))
        .asList()
        .isEmpty();
    // Another user's key is "not found", never "forbidden".
    Json.call(api, HttpMethod.DELETE, "/v1/api-keys/" + aliceKey, bob.accessToken(), null, 404);
    Json.call(api, HttpMethod.DELETE, "/v1/api-keys/not-a-uuid", bob.accessToken(), null, 404);
    // Profiles of others are reachable only through administration, which users may not use.
    Json.call(api, HttpMethod.GET, "/v1/admin/users/" + alice.id(), bob.accessToken(), null, 403);
    Json.call(api, HttpMethod.GET, "/v1/admin/users", bob.accessToken(), null, 403);
    Json.call(api, HttpMethod.GET, "/v1/admin/audit", bob.accessToken(), null, 403);
    // Alice's key still works.
    assertThat(
            Json.call(api, HttpMethod.GET, "/v1/api-keys", alice.accessToken(), null, 200)
                .get("api_keys"))
        .asList()
        .hasSize(1);
  }

  @Test
  void anAdminSeesTheirTenantAndNothingOfAnother(WebTestClient api) {
    Account operator = Accounts.operator(api);
    Account member = Accounts.register(api, "member");
    String memberKey = keyId(api, member);

    // Tenant B, with its own first admin, made by the operator.
    String tenantB = Accounts.unique("tenant").toLowerCase();
    String adminName = Accounts.unique("admin-b");
    Map<String, Object> tenant =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/admin/tenants",
            operator.accessToken(),
            Map.of(
                "id",
                tenantB,
                "name",
                "Tenant B",
                "admin",
                Map.of(
                    "username",
                    adminName,
                    "email",
                    adminName + "@b.test",
                    "password",
                    PASSWORD,
                    "role",
                    "admin")),
            201);
    assertThat(tenant).containsEntry("id", tenantB);
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/admin/tenants",
        operator.accessToken(),
        Map.of(
            "id",
            tenantB,
            "name",
            "again",
            "admin",
            Map.of(
                "username",
                Accounts.unique("x"),
                "email",
                Accounts.unique("x") + "@b.test",
                "password",
                PASSWORD,
                "role",
                "admin")),
        409);
    Account adminB = Accounts.login(api, adminName + "@b.test", PASSWORD);
    assertThat(adminB.tenantId()).isEqualTo(tenantB);
    Account userB = Accounts.create(api, adminB, "user-b", "user");

    // Admin B sees exactly the users of B.
    Map<String, Object> usersOfB =
        Json.call(
            api, HttpMethod.GET, "/v1/admin/users?limit=100", adminB.accessToken(), null, 200);
    assertThat(ids(usersOfB)).containsExactlyInAnyOrder(adminB.id(), userB.id());
    // Nothing of the operator tenant: its users and keys are "not found".
    Json.call(
        api, HttpMethod.GET, "/v1/admin/users/" + member.id(), adminB.accessToken(), null, 404);
    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/admin/users/" + member.id(),
        adminB.accessToken(),
        Map.of("role", "viewer"),
        404);
    Json.call(api, HttpMethod.DELETE, "/v1/api-keys/" + memberKey, adminB.accessToken(), null, 404);
    Map<String, Object> auditB =
        Json.call(
            api, HttpMethod.GET, "/v1/admin/audit?limit=100", adminB.accessToken(), null, 200);
    assertThat(auditB.toString()).doesNotContain(member.id()).doesNotContain(operator.id());
    // Only operator admins create tenants.
    Json.call(
        api,
        HttpMethod.POST,
        "/v1/admin/tenants",
        adminB.accessToken(),
        Map.of(
            "id",
            Accounts.unique("t").toLowerCase(),
            "name",
            "C",
            "admin",
            Map.of(
                "username",
                Accounts.unique("c"),
                "email",
                Accounts.unique("c") + "@c.test",
                "password",
                PASSWORD,
                "role",
                "admin")),
        403);

    // The operator sees the member (same tenant) but not the users of B.
    Json.call(
        api, HttpMethod.GET, "/v1/admin/users/" + member.id(), operator.accessToken(), null, 200);
    Json.call(
        api, HttpMethod.GET, "/v1/admin/users/" + userB.id(), operator.accessToken(), null, 404);
    // An admin may revoke any key of their own tenant.
    Json.call(
        api, HttpMethod.DELETE, "/v1/api-keys/" + memberKey, operator.accessToken(), null, 200);
  }

  @Test
  void roleChangesAndDeactivationApplyAtOnce(WebTestClient api) {
    Account operator = Accounts.operator(api);
    Account user = Accounts.create(api, operator, "demoted", "user");
    Json.call(
        api, HttpMethod.POST, "/v1/api-keys", user.accessToken(), Map.of("name", "before"), 201);

    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/admin/users/" + user.id(),
        operator.accessToken(),
        Map.of("role", "viewer"),
        200);
    // The same, still valid token: its role claim says user, the database says viewer.
    Json.call(
        api, HttpMethod.POST, "/v1/api-keys", user.accessToken(), Map.of("name", "after"), 403);

    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/admin/users/" + user.id(),
        operator.accessToken(),
        Map.of("is_active", false),
        200);
    assertThat(
            AccountsTest.message(
                Json.call(api, HttpMethod.GET, "/v1/user/profile", user.accessToken(), null, 401)))
        .contains("disabled");
    Json.post(api, "/v1/auth/login", Map.of("email", user.email(), "password", PASSWORD), 403);

    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/admin/users/" + operator.id(),
        operator.accessToken(),
        Map.of("role", "user"),
        400);
    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/admin/users/" + user.id(),
        operator.accessToken(),
        Map.of("role", "root"),
        400);
  }

  private static String keyId(WebTestClient api, Account owner) {
    return (String)
        Json.call(
                api,
                HttpMethod.POST,
                "/v1/api-keys",
                owner.accessToken(),
                Map.of("name", "mine"),
                201)
            .get("id");
  }

  @SuppressWarnings("unchecked")
  private static List<String> ids(Map<String, Object> page) {
    return ((List<Map<String, Object>>) page.get("users"))
        .stream().map(u -> (String) u.get("id")).toList();
  }

  /** The newest audit event of {@code type} by {@code actorId}, as the admin reads it. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> latest(WebTestClient api, Account admin, String type, String actorId) {
    Map<String, Object> page =
        Json.call(
            api,
            HttpMethod.GET,
            "/v1/admin/audit?limit=100&event=" + type,
            admin.accessToken(),
            null,
            200);
    return ((List<Map<String, Object>>) page.get("events"))
        .stream()
            .filter(e -> actorId.equals(e.get("actor_id")))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no " + type + " event by " + actorId + " in " + page));
  }
}
