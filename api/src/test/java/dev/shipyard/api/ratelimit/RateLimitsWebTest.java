package dev.shipyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.api.config.ShipyardProperties;
import dev.shipyard.api.error.ErrorResponses;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.CallerAuthentication;
import dev.shipyard.api.security.Role;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@link RateLimits} in a real WebFlux application with test handlers: classes from {@link
 * RateLimit} (on methods and on controllers), role ceilings, separate buckets per caller, the
 * per-IP auth class, exempt paths and the 429 in each family's shape. A test filter stands in for
 * the security chain: it sets the client address and, from {@code X-Test-Caller}, the caller.
 */
@SpringJUnitConfig(RateLimitsWebTest.Config.class)
class RateLimitsWebTest {

  static final int STANDARD = 3;
  static final int PREMIUM = 5;
  static final int ADMIN = 7;
  static final int HEAVY = 2;
  static final int BATCH = 1;
  static final int AUTH = 2;

  private static final ParameterizedTypeReference<Map<String, Object>> JSON =
      new ParameterizedTypeReference<>() {};

  @Configuration(proxyBeanMethods = false)
  @EnableWebFlux
  @Import({
    ErrorResponses.class,
    RateLimits.class,
    Handlers.class,
    BatchHandlers.class,
    TestSecurityChain.class
  })
  static class Config {
    @Bean
    ObjectMapper objectMapper() {
      return new ObjectMapper();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    RateLimitProperties rateLimitProperties() {
      return new RateLimitProperties(
          true, Duration.ofHours(1), STANDARD, PREMIUM, ADMIN, HEAVY, BATCH, 1, AUTH);
    }

    @Bean
    ShipyardProperties shipyardProperties() {
      return new ShipyardProperties(null, null, new ShipyardProperties.Redis(""), null, null);
    }
  }

  @RestController
  static class Handlers {
    @GetMapping({"/v1/plain", "/api/build/plain", "/api/health/live"})
    Map<String, String> plain() {
      return Map.of("result", "ok");
    }

    @RateLimit(RateClass.HEAVY)
    @PostMapping("/api/build")
    Map<String, String> createBuild() {
      return Map.of("result", "started");
    }

    @RateLimit(RateClass.AUTH)
    @PostMapping("/v1/auth/login")
    Map<String, String> login() {
      return Map.of("result", "token");
    }
  }

  /** A controller whose every handler is in the batch class. */
  @RestController
  @RateLimit(RateClass.BATCH)
  static class BatchHandlers {
    @PostMapping("/capsules/batch")
    Map<String, String> batch() {
      return Map.of("result", "queued");
    }
  }

  /** Sets the client address ({@code X-Test-Ip}) and the caller, then applies the limits. */
  static class TestSecurityChain implements WebFilter {
    private final RateLimitFilter limits;

    TestSecurityChain(RateLimits limits) {
      this.limits = new RateLimitFilter(limits);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      String ip = exchange.getRequest().getHeaders().getFirst("X-Test-Ip");
      ServerWebExchange from =
          exchange.mutate().request(r -> r.remoteAddress(new InetSocketAddress(ip, 40000))).build();
      String who = exchange.getRequest().getHeaders().getFirst("X-Test-Caller");
      Mono<Void> limited = limits.filter(from, chain);
      if (who == null) {
        return limited;
      }
      String[] parts = who.split("/");
      Caller caller =
          new Caller(
              UUID.fromString(parts[1]),
              "someone",
              "default",
              Role.valueOf(parts[0]),
              Set.of(),
              null,
              parts.length > 2 ? UUID.fromString(parts[2]) : null);
      return limited.contextWrite(
          ReactiveSecurityContextHolder.withAuthentication(new CallerAuthentication(caller)));
    }
  }

  private static final AtomicInteger ADDRESSES = new AtomicInteger();

  @Autowired ApplicationContext context;
  @Autowired MeterRegistry meters;
  WebTestClient web;
  String ip;

  @BeforeEach
  void client() {
    web = WebTestClient.bindToApplicationContext(context).build();
    // Buckets outlive a test method: each method comes from its own address.
    ip = "198.51.100." + ADDRESSES.incrementAndGet();
  }

  EntityExchangeResult<Map<String, Object>> call(
      HttpMethod method, String path, String from, String caller) {
    return web.method(method)
        .uri(path)
        .header("X-Test-Ip", from)
        .headers(
            h -> {
              if (caller != null) {
                h.add("X-Test-Caller", caller);
              }
            })
        .exchange()
        .expectBody(JSON)
        .returnResult();
  }

  EntityExchangeResult<Map<String, Object>> get(String path, String caller) {
    return call(HttpMethod.GET, path, ip, caller);
  }

  static long header(EntityExchangeResult<?> result, String name) {
    String value = result.getResponseHeaders().getFirst(name);
    assertThat(value).as(name).isNotNull();
    return Long.parseLong(value);
  }

  /** Spends the whole allowance, checking the headers of each answer, and returns the 429. */
  EntityExchangeResult<Map<String, Object>> exhaust(
      HttpMethod method, String path, String caller, int limit, int okStatus) {
    long start = Instant.now().getEpochSecond();
    for (int i = 1; i <= limit; i++) {
      EntityExchangeResult<Map<String, Object>> ok = call(method, path, ip, caller);
      assertThat(ok.getStatus().value()).as("request %d of %d", i, limit).isEqualTo(okStatus);
      assertThat(header(ok, RateLimits.LIMIT)).isEqualTo(limit);
      assertThat(header(ok, RateLimits.REMAINING)).isEqualTo(limit - i);
      assertThat(header(ok, RateLimits.RESET)).isBetween(start + 1, start + 3601 + 1);
      assertThat(ok.getResponseHeaders().getFirst("Retry-After")).isNull();
    }
    EntityExchangeResult<Map<String, Object>> refused = call(method, path, ip, caller);
    assertThat(refused.getStatus().value()).isEqualTo(429);
    assertThat(header(refused, RateLimits.LIMIT)).isEqualTo(limit);
    assertThat(header(refused, RateLimits.REMAINING)).isZero();
    // One token per hour / limit comes back.
    long perToken = (long) Math.ceil(3600.0 / limit);
    assertThat(header(refused, "Retry-After")).isBetween(perToken - 2, perToken);
    assertThat(header(refused, RateLimits.RESET)).isGreaterThan(start + 3600 - 5);
    return refused;
  }

  @Test
  void unannotatedHandlersAreStandardAndTheNextRequestGets429InTheContainerEngineShape() {
    double before = rejected("standard");
    Map<String, Object> body =
        exhaust(HttpMethod.GET, "/v1/plain", null, STANDARD, 200).getResponseBody();
    assertThat(body).containsOnlyKeys("error");
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) body.get("error");
    assertThat(error)
        .containsEntry("details", "RATE_LIMIT_EXCEEDED")
        .extractingByKey("message")
        .asString()
        .matches("Too many requests; retry in \\d+ seconds");
    assertThat(rejected("standard")).isEqualTo(before + 1);
  }

  @Test
  void buildCreationIsHeavyWithItsOwnBucketAndAnswersInTheBuildsShape() {
    String user = "USER/" + UUID.randomUUID();
    Map<String, Object> body =
        exhaust(HttpMethod.POST, "/api/build", user, HEAVY, 200).getResponseBody();
    assertThat(body)
        .containsEntry("error", "rate_limit_exceeded")
        .containsEntry("status_code", 429)
        .containsKeys("detail", "timestamp");
    // The standard bucket of the same user is untouched.
    EntityExchangeResult<Map<String, Object>> standard = get("/api/build/plain", user);
    assertThat(standard.getStatus().value()).isEqualTo(200);
    assertThat(header(standard, RateLimits.REMAINING)).isEqualTo(STANDARD - 1);
  }

  @Test
  void aControllerLevelAnnotationAppliesToItsHandlersInTheCapsulesShape() {
    Map<String, Object> body =
        exhaust(HttpMethod.POST, "/capsules/batch", null, BATCH, 200).getResponseBody();
    assertThat(body).containsEntry("error_code", "RATE_LIMIT_EXCEEDED").containsKey("request_id");
  }

  @Test
  void unknownRoutesCountAsStandardAndKeepTheirOwnStatus() {
    exhaust(HttpMethod.GET, "/v1/nothing-here", null, STANDARD, 404);
  }

  @Test
  void theStandardCeilingFollowsTheRole() {
    exhaust(HttpMethod.GET, "/v1/plain", "VIEWER/" + UUID.randomUUID(), STANDARD, 200);
    exhaust(HttpMethod.GET, "/v1/plain", "PREMIUM/" + UUID.randomUUID(), PREMIUM, 200);
    exhaust(HttpMethod.GET, "/v1/plain", "ADMIN/" + UUID.randomUUID(), ADMIN, 200);
  }

  @Test
  void eachCallerHasItsOwnBucket() {
    UUID userId = UUID.randomUUID();
    exhaust(HttpMethod.GET, "/v1/plain", "USER/" + userId, STANDARD, 200);
    // Same address: anonymous, another user and the same user through an API key all start full.
    for (String other :
        new String[] {
          null, "USER/" + UUID.randomUUID(), "USER/" + userId + "/" + UUID.randomUUID()
        }) {
      EntityExchangeResult<Map<String, Object>> fresh = get("/v1/plain", other);
      assertThat(fresh.getStatus().value()).as(String.valueOf(other)).isEqualTo(200);
      assertThat(header(fresh, RateLimits.REMAINING)).isEqualTo(STANDARD - 1);
    }
    // Anonymous callers are told apart by address.
    String otherIp = "192.0.2.77";
    EntityExchangeResult<Map<String, Object>> elsewhere =
        call(HttpMethod.GET, "/v1/plain", otherIp, null);
    assertThat(elsewhere.getStatus().value()).isEqualTo(200);
  }

  @Test
  void theAuthClassCountsPerAddressEvenForSignedInCallers() {
    exhaust(HttpMethod.POST, "/v1/auth/login", null, AUTH, 200);
    EntityExchangeResult<Map<String, Object>> signedIn =
        call(HttpMethod.POST, "/v1/auth/login", ip, "ADMIN/" + UUID.randomUUID());
    assertThat(signedIn.getStatus().value()).isEqualTo(429);
  }

  @Test
  void healthMetricsAndDocsAreNeverLimitedAndCarryNoHeaders() {
    for (int i = 0; i < STANDARD + 2; i++) {
      EntityExchangeResult<Map<String, Object>> live = get("/api/health/live", null);
      assertThat(live.getStatus().value()).isEqualTo(200);
      assertThat(live.getResponseHeaders().getFirst(RateLimits.LIMIT)).isNull();
      assertThat(get("/v3/api-docs", null).getResponseHeaders().getFirst(RateLimits.LIMIT))
          .isNull();
    }
    // And they did not spend the caller's standard allowance.
    assertThat(header(get("/v1/plain", null), RateLimits.REMAINING)).isEqualTo(STANDARD - 1);
  }

  double rejected(String rateClass) {
    var counter = meters.find("shipyard.rate_limit.rejected").tag("class", rateClass).counter();
    return counter == null ? 0 : counter.count();
  }
}
