package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Rate limits through HTTP, on API instances of their own with low limits and a one-hour window
 * (one token back every {@code hour / limit}: nothing refills while a test runs). Every request
 * comes from 127.0.0.1, so anonymous requests of one instance share one bucket.
 */
@ExtendWith(LocalPlatformExtension.class)
class RateLimitTest {

  private static final ParameterizedTypeReference<Map<String, Object>> JSON =
      new ParameterizedTypeReference<>() {};

  private static final String LIMIT = "X-RateLimit-Limit";
  private static final String REMAINING = "X-RateLimit-Remaining";
  private static final String RESET = "X-RateLimit-Reset";
  private static final long HOUR = 3600;

  private final List<ConfigurableApplicationContext> started = new ArrayList<>();

  @AfterEach
  void stopInstances() {
    started.forEach(ConfigurableApplicationContext::close);
  }

  /** One more API instance with a one-hour window and the given limits on top of the suite's. */
  private WebTestClient instance(LocalPlatform platform, Map<String, Object> settings) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("shipyard.rate-limit.window", "1h");
    overrides.putAll(settings);
    ConfigurableApplicationContext context = platform.startAnotherApi(overrides);
    started.add(context);
    return LocalPlatformExtension.client("http://127.0.0.1:" + LocalPlatform.httpPort(context));
  }

  private static EntityExchangeResult<Map<String, Object>> get(
      WebTestClient api, String uri, String token) {
    return api.get()
        .uri(uri)
        .headers(h -> bearer(h, token))
        .exchange()
        .expectBody(JSON)
        .returnResult();
  }

  private static void bearer(HttpHeaders headers, String token) {
    if (token != null) {
      headers.setBearerAuth(token);
    }
  }

  private static long header(EntityExchangeResult<?> result, String name) {
    String value = result.getResponseHeaders().getFirst(name);
    assertThat(value).as("%s of %s", name, result.getUrl()).isNotNull();
    return Long.parseLong(value);
  }

  private static void assertCounted(
      EntityExchangeResult<?> result, int status, long limit, long remaining) {
    assertThat(result.getStatus().value()).as("status of %s", result.getUrl()).isEqualTo(status);
    assertThat(header(result, LIMIT)).as(LIMIT).isEqualTo(limit);
    assertThat(header(result, REMAINING)).as(REMAINING).isEqualTo(remaining);
    assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
  }

  /** A 429 with the headers: nothing remaining, the next token in an hour / limit. */
  private static void assertRefused(EntityExchangeResult<?> result, long limit) {
    assertThat(result.getStatus().value()).as("status of %s", result.getUrl()).isEqualTo(429);
    assertThat(header(result, LIMIT)).isEqualTo(limit);
    assertThat(header(result, REMAINING)).isZero();
    long perToken = (long) Math.ceil((double) HOUR / limit);
    assertThat(header(result, HttpHeaders.RETRY_AFTER)).isBetween(perToken - 30, perToken);
    long now = Instant.now().getEpochSecond();
    assertThat(header(result, RESET)).isBetween(now + HOUR - 30, now + HOUR + 1);
    assertThat(result.getResponseHeaders().getFirst("X-Request-ID")).isNotBlank();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRequestAfterTheLimitGets429WithTheHeadersInEachFamilysShape(LocalPlatform platform) {
    WebTestClient api = instance(platform, Map.of("shipyard.rate-limit.standard", 3));

    for (int i = 1; i <= 3; i++) {
      long before = Instant.now().getEpochSecond();
      EntityExchangeResult<Map<String, Object>> ok =
          get(api, "/api/build/no-such-build/route", null);
      assertCounted(ok, 404, 3, 3 - i);
      // Full again once the i spent tokens are back: i * 20 minutes from now.
      assertThat(header(ok, RESET))
          .isBetween(before + i * HOUR / 3 - 30, Instant.now().getEpochSecond() + i * HOUR / 3 + 1);
    }
    // Probes, metrics and docs are neither limited nor labelled.
    for (String free : new String[] {"/api/health/live", "/api/v2/metrics", "/v3/api-docs"}) {
      EntityExchangeResult<Map<String, Object>> probe = get(api, free, null);
      assertThat(probe.getStatus().value()).as(free).isEqualTo(200);
      assertThat(probe.getResponseHeaders().getFirst(LIMIT)).as(free).isNull();
    }

    EntityExchangeResult<Map<String, Object>> builds =
        get(api, "/api/build/no-such-build/route", null);
    assertRefused(builds, 3);
    assertThat(builds.getResponseBody())
        .containsOnlyKeys("error", "detail", "status_code", "timestamp")
        .containsEntry("error", "rate_limit_exceeded")
        .containsEntry("status_code", 429);
    assertThat((String) builds.getResponseBody().get("detail"))
        .matches("Too many requests; retry in \\d+ seconds");

    EntityExchangeResult<Map<String, Object>> engine = get(api, "/v1/nothing", null);
    assertRefused(engine, 3);
    assertThat(engine.getResponseBody()).containsOnlyKeys("error");
    assertThat((Map<String, Object>) engine.getResponseBody().get("error"))
        .containsOnlyKeys("message", "details")
        .containsEntry("details", "RATE_LIMIT_EXCEEDED");

    EntityExchangeResult<Map<String, Object>> capsules = get(api, "/capsules", null);
    assertRefused(capsules, 3);
    assertThat(capsules.getResponseBody()).containsEntry("error_code", "RATE_LIMIT_EXCEEDED");

    EntityExchangeResult<Map<String, Object>> v2 = get(api, "/api/v2/capsules", null);
    assertRefused(v2, 3);
    assertThat(v2.getResponseBody()).containsEntry("success", false);
    assertThat(v2.getResponseBody().get("errors").toString()).contains("RATE_LIMIT_EXCEEDED");

    EntityExchangeResult<Map<String, Object>> contracts = get(api, "/api/deployments", null);
    assertRefused(contracts, 3);
    assertThat(contracts.getResponseBody()).containsEntry("error", "Too Many Requests");

    // A refused token is anonymous: counted against the address, and refused too.
    assertRefused(get(api, "/v1/user/profile", "not-a-valid-token"), 3);
  }

  @Test
  void eachCallerHasItsOwnBucketAndTheStandardCeilingFollowsTheRole(LocalPlatform platform) {
    WebTestClient api =
        instance(
            platform, Map.of("shipyard.rate-limit.standard", 3, "shipyard.rate-limit.admin", 5));
    String alice = register(api);
    String bob = register(api);

    for (int i = 1; i <= 3; i++) {
      assertCounted(get(api, "/v1/user/profile", alice), 200, 3, 3 - i);
    }
    EntityExchangeResult<Map<String, Object>> refused = get(api, "/v1/user/profile", alice);
    assertRefused(refused, 3);
    assertThat(refused.getResponseBody().get("error").toString()).contains("RATE_LIMIT_EXCEEDED");

    // Another user, an anonymous caller at the same address, and an admin start full.
    assertCounted(get(api, "/v1/user/profile", bob), 200, 3, 2);
    assertCounted(get(api, "/v1/nothing", null), 404, 3, 2);
    assertCounted(get(api, "/v1/user/profile", login(api)), 200, 5, 4);
  }

  @Test
  void twoApiInstancesSharingOneRedisEnforceOneLimitTogether(LocalPlatform platform)
      throws IOException {
    try (RedisServer redis = RedisServer.start()) {
      Map<String, Object> shared =
          Map.of("REDIS_URL", redis.url(), "shipyard.rate-limit.standard", 4);
      WebTestClient first = instance(platform, shared);
      WebTestClient second = instance(platform, shared);

      assertCounted(get(first, "/v1/nothing", null), 404, 4, 3);
      assertCounted(get(second, "/v1/nothing", null), 404, 4, 2);
      assertCounted(get(first, "/v1/nothing", null), 404, 4, 1);
      assertCounted(get(second, "/v1/nothing", null), 404, 4, 0);
      assertRefused(get(first, "/v1/nothing", null), 4);
      assertRefused(get(second, "/v1/nothing", null), 4);

      // The one bucket is in Redis, with an expiry.
      RedisClient client = RedisClient.create(redis.url());
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        String key = "shipyard:rate-limit:standard:4:ip:127.0.0.1";
        assertThat(connection.sync().keys("shipyard:rate-limit:*")).containsExactly(key);
        assertThat(connection.sync().pttl(key)).isPositive();
      } finally {
        client.shutdown();
      }

      // Redis gone: no 500s; each instance counts in its own memory (full buckets there).
      redis.close();
      assertCounted(get(first, "/v1/nothing", null), 404, 4, 3);
      assertCounted(get(second, "/v1/nothing", null), 404, 4, 3);
      for (int remaining = 2; remaining >= 0; remaining--) {
        assertCounted(get(first, "/v1/nothing", null), 404, 4, remaining);
      }
      assertRefused(get(first, "/v1/nothing", null), 4);
      assertCounted(get(second, "/v1/nothing", null), 404, 4, 2);
    }
  }

  @Test
  void anApiThatCannotReachRedisAtStartupStillLimitsInMemory(LocalPlatform platform)
      throws IOException {
    int nobody;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobody = socket.getLocalPort();
    }
    WebTestClient api =
        instance(
            platform,
            Map.of("REDIS_URL", "redis://127.0.0.1:" + nobody, "shipyard.rate-limit.standard", 2));
    assertCounted(get(api, "/v1/nothing", null), 404, 2, 1);
    assertCounted(get(api, "/v1/nothing", null), 404, 2, 0);
    assertRefused(get(api, "/v1/nothing", null), 2);
  }

  /** Registers a new user through the API and returns their access token. */
  private static String register(WebTestClient api) {
    String name = "rl-" + UUID.randomUUID().toString().substring(0, 8);
    EntityExchangeResult<Map<String, Object>> created =
        api.post()
            .uri("/v1/auth/register")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                Map.of(
                    "username",
                    name,
                    "email",
                    name + "@shipyard.test",
                    "password",
                    "Correct-horse-42",
                    "confirm_password",
                    "Correct-horse-42"))
            .exchange()
            .expectBody(JSON)
            .returnResult();
    assertThat(created.getStatus().value()).as("%s", created.getResponseBody()).isEqualTo(201);
    // Registration is in the auth class (the suite's limit), not the standard one.
    assertThat(header(created, LIMIT)).isEqualTo(100_000);
    return (String) created.getResponseBody().get("access_token");
  }

  /** Logs the suite's first admin in through the API and returns the access token. */
  private static String login(WebTestClient api) {
    EntityExchangeResult<Map<String, Object>> in =
        api.post()
            .uri("/v1/auth/login")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                Map.of(
                    "email", LocalPlatformExtension.ADMIN_EMAIL,
                    "password", LocalPlatformExtension.ADMIN_PASSWORD))
            .exchange()
            .expectBody(JSON)
            .returnResult();
    assertThat(in.getStatus().value()).as("%s", in.getResponseBody()).isEqualTo(200);
    return (String) in.getResponseBody().get("access_token");
  }
}
