package dev.shipyard.standalone.identity;

import static dev.shipyard.standalone.identity.AccountsTest.claims;
import static dev.shipyard.standalone.identity.AccountsTest.details;
import static dev.shipyard.standalone.identity.AccountsTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Accounts.Account;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Forged, expired and revoked credentials are refused; API keys work like tokens until revoked. */
@ExtendWith(LocalPlatformExtension.class)
class CredentialsTest {

  @Test
  void forgedAndExpiredTokensAreRefused(WebTestClient api) throws Exception {
    Account account = Accounts.register(api, "forge");
    Map<String, Object> real = claims(account.accessToken());
    JWTClaimsSet.Builder same = copy(real);

    // alg: none, with otherwise valid claims.
    String none = new PlainJWT(same.build()).serialize();
    assertRefused(api, none, "Invalid access token");
    // Right claims, signed with another secret.
    assertRefused(
        api,
        sign(same.build(), "another-secret-another-secret-0123456789"),
        "Invalid access token");
    // Signed with the real secret but expired five minutes ago (beyond the clock skew).
    long now = System.currentTimeMillis();
    JWTClaimsSet expired =
        copy(real)
            .issueTime(new Date(now - 3_600_000))
            .expirationTime(new Date(now - 300_000))
            .build();
    assertRefused(api, sign(expired, LocalPlatformExtension.JWT_SECRET), "expired");
    // Signed with the real secret, but for a session that does not exist.
    JWTClaimsSet otherSession =
        copy(real).claim("sid", java.util.UUID.randomUUID().toString()).build();
    assertRefused(
        api, sign(otherSession, LocalPlatformExtension.JWT_SECRET), "Invalid access token");
    // Signed with the real secret, raising its own role: the role comes from the database.
    JWTClaimsSet raised =
        copy(real).claim("role", "admin").claim("permissions", List.of("user:manage")).build();
    Json.call(
        api,
        HttpMethod.GET,
        "/v1/admin/users",
        sign(raised, LocalPlatformExtension.JWT_SECRET),
        null,
        403);
    // Garbage.
    assertRefused(api, "not.a.jwt", "Invalid access token");
    // The genuine token still works.
    Json.call(api, HttpMethod.GET, "/v1/user/profile", account.accessToken(), null, 200);
  }

  @Test
  void apiKeysActAsTheirOwnerUntilRevoked(WebTestClient api) {
    Account owner = Accounts.register(api, "keys");
    Map<String, Object> created =
        Json.call(
            api,
            HttpMethod.POST,
            "/v1/api-keys",
            owner.accessToken(),
            Map.of("name", "ci", "description", "for CI", "expires_in_days", 30),
            201);
    String key = (String) created.get("key");
    assertThat(key).startsWith("ce_dev_").hasSizeGreaterThan(40);
    assertThat(created).containsKeys("id", "created_at", "expires_at").containsEntry("name", "ci");

    // The key works wherever a token does.
    assertThat(Json.call(api, HttpMethod.GET, "/v1/user/profile", key, null, 200))
        .containsEntry("id", owner.id());

    Map<String, Object> listed =
        Json.call(api, HttpMethod.GET, "/v1/api-keys", owner.accessToken(), null, 200);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) listed.get("api_keys");
    assertThat(keys).hasSize(1);
    Map<String, Object> item = keys.get(0);
    assertThat(item)
        .containsEntry("id", created.get("id"))
        .containsEntry("description", "for CI")
        .doesNotContainKey("key");
    assertThat((String) item.get("key_prefix"))
        .startsWith("ce_dev_")
        .isEqualTo(key.substring(0, 13));
    assertThat(item.get("last_used")).isNotNull();
    assertThat(item.get("expires_at")).isEqualTo(created.get("expires_at"));
    assertThat(listed.get("pagination"))
        .isEqualTo(Map.of("page", 1, "limit", 10, "total", 1, "total_pages", 1));

    // Revoked: refused at once.
    assertThat(
            Json.call(
                api,
                HttpMethod.DELETE,
                "/v1/api-keys/" + created.get("id"),
                owner.accessToken(),
                null,
                200))
        .containsEntry("message", "API key revoked successfully");
    assertRefused(api, key, "invalid or has been revoked");
    Json.call(
        api,
        HttpMethod.DELETE,
        "/v1/api-keys/" + created.get("id"),
        owner.accessToken(),
        null,
        404);
    assertThat(
            Json.call(api, HttpMethod.GET, "/v1/api-keys", owner.accessToken(), null, 200)
                .get("api_keys"))
        .asList()
        .isEmpty();
    assertRefused(api, "ce_dev_made-up-key", "invalid or has been revoked");
  }

  @Test
  void apiKeyScopesNarrowButNeverWiden(WebTestClient api) {
    Account owner = Accounts.register(api, "scopes");
    String readOnly =
        (String)
            Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/api-keys",
                    owner.accessToken(),
                    Map.of("name", "read-only", "scopes", List.of("profile:read")),
                    201)
                .get("key");
    Json.call(api, HttpMethod.GET, "/v1/user/profile", readOnly, null, 200);
    Json.call(
        api,
        HttpMethod.PUT,
        "/v1/user/profile",
        readOnly,
        Map.of("username", Accounts.unique("x")),
        403);
    Json.call(api, HttpMethod.POST, "/v1/api-keys", readOnly, Map.of("name", "escalate"), 403);

    assertThat(
            message(
                Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/api-keys",
                    owner.accessToken(),
                    Map.of("name", "wide", "scopes", List.of("user:manage")),
                    400)))
        .contains("wider than your own permissions");
    assertThat(
            details(
                Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/api-keys",
                    owner.accessToken(),
                    Map.of("name", "odd", "scopes", List.of("root:everything")),
                    400)))
        .isEqualTo("scopes");
  }

  @Test
  void apiKeyRequestsAreValidatedAndPaginated(WebTestClient api) {
    Account owner = Accounts.register(api, "page");
    Json.call(api, HttpMethod.POST, "/v1/api-keys", null, Map.of("name", "x"), 401);
    assertThat(
            details(
                Json.call(
                    api, HttpMethod.POST, "/v1/api-keys", owner.accessToken(), Map.of(), 400)))
        .isEqualTo("name");
    assertThat(
            details(
                Json.call(
                    api,
                    HttpMethod.POST,
                    "/v1/api-keys",
                    owner.accessToken(),
                    Map.of("name", "x", "expires_in_days", 0),
                    400)))
        .isEqualTo("expires_in_days");
    for (int i = 0; i < 3; i++) {
      Json.call(
          api, HttpMethod.POST, "/v1/api-keys", owner.accessToken(), Map.of("name", "k" + i), 201);
    }
    Map<String, Object> page2 =
        Json.call(
            api, HttpMethod.GET, "/v1/api-keys?page=2&limit=2", owner.accessToken(), null, 200);
    assertThat(page2.get("api_keys")).asList().hasSize(1);
    assertThat(page2.get("pagination"))
        .isEqualTo(Map.of("page", 2, "limit", 2, "total", 3, "total_pages", 2));
    assertThat(
            details(
                Json.call(
                    api, HttpMethod.GET, "/v1/api-keys?limit=101", owner.accessToken(), null, 400)))
        .isEqualTo("limit");
    assertThat(
            details(
                Json.call(
                    api, HttpMethod.GET, "/v1/api-keys?page=0", owner.accessToken(), null, 400)))
        .isEqualTo("page");
  }

  private static void assertRefused(WebTestClient api, String bearer, String reason) {
    api.get()
        .uri("/v1/user/profile")
        .headers(h -> h.setBearerAuth(bearer))
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        .expectBody()
        .jsonPath("$.error.message")
        .value(m -> assertThat((String) m).contains(reason));
  }

  private static JWTClaimsSet.Builder copy(Map<String, Object> claims) {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
    claims.forEach(
        (name, value) -> {
          switch (name) {
            case "exp" -> builder.expirationTime(new Date(((Number) value).longValue() * 1000));
            case "iat" -> builder.issueTime(new Date(((Number) value).longValue() * 1000));
            default -> builder.claim(name, value);
          }
        });
    return builder;
  }

  private static String sign(JWTClaimsSet claims, String secret) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
