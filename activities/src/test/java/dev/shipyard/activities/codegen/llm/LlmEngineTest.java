package dev.shipyard.activities.codegen.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.workflows.capsules.CheckResult;
import dev.shipyard.workflows.capsules.CheckStatus;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP contract of the LLM engine against a local OpenAI-compatible fake (WireMock). */
class LlmEngineTest {

  private static final String KEY = "test-key";
  private static final String CHAT = "/v1/chat/completions";

  private static final GenerationSpec SPEC =
      new GenerationSpec(
          "Create a FastAPI microservice for user management",
          "Must include authentication, CRUD operations, and Docker deployment",
          Map.of("language", "python", "framework", "fastapi", "database", "postgresql"));

  private static final ProjectPlan PLAN =
      new ProjectPlan(
          "user-management-service",
          "python-fastapi",
          "python",
          "fastapi",
          "postgresql",
          List.of("auth", "crud", "docker"),
          List.of("user"));

  private WireMockServer server;
  private Completions.RecordingSleeper sleeper;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    sleeper = new Completions.RecordingSleeper();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  // ---- request shape and parsing ----

  @Test
  void generatePostsAnOpenAiChatCompletionWithStructuredOutput() {
    answer(
        Completions.files(
            "app/main.py",
            "from fastapi import FastAPI\napp = FastAPI()\n",
            "requirements.txt",
            "fastapi==0.115.0\n"));

    List<SourceFile> files = engine(2).generate(PLAN, SPEC);

    assertThat(files)
        .containsExactly(
            new SourceFile("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n"),
            new SourceFile("requirements.txt", "fastapi==0.115.0\n"));
    server.verify(
        1,
        postRequestedFor(urlEqualTo(CHAT))
            .withHeader("Authorization", equalTo("Bearer test-key"))
            .withHeader("Content-Type", containing("application/json")));
    JsonNode body = onlyRequest();
    assertThat(body.path("model").asText()).isEqualTo("test-model");
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(body.path("stream").asBoolean(true)).isFalse();
    JsonNode messages = body.path("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.path(0).path("role").asText()).isEqualTo("system");
    assertThat(messages.path(1).path("role").asText()).isEqualTo("user");
    assertThat(messages.path(1).path("content").asText())
        .contains(SPEC.description())
        .contains(SPEC.requirements())
        .contains("language: python")
        .contains("python-fastapi")
        .contains("entities: user");
    JsonNode format = body.path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("name").asText()).isEqualTo("project_files");
    assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
    JsonNode item =
        format.path("json_schema").path("schema").path("properties").path("files").path("items");
    assertThat(item.path("required").toString()).contains("path").contains("content");
    assertThat(body.toString()).doesNotContain(KEY);
  }

  @Test
  void noAuthorizationHeaderWithoutAKey() {
    answer(Completions.files("a.py", "x = 1\n"));
    LlmSettings noKey =
        new LlmSettings(URI.create(server.baseUrl() + "/v1/"), "llama3", null, null, 0, 0);

    new LlmEngine(noKey, LlmRetryPolicy.DEFAULT, sleeper).generate(PLAN, SPEC);

    server.verify(1, postRequestedFor(urlEqualTo(CHAT)).withoutHeader("Authorization"));
  }

  @Test
  void planAsksTheModelButConstraintsWin() {
    answer(
        """
        {"project_name": "User Management Service!", "stack": "node-express",
         "unsupported_reason": "", "language": "javascript", "framework": "express",
         "database": "sqlite", "features": ["Auth", "CRUD", "docker", "auth"],
         "entities": ["User", "order item"]}
        """);

    ProjectPlan plan = engine(2).plan(SPEC);

    assertThat(plan)
        .isEqualTo(
            new ProjectPlan(
                "user-management-service",
                "python-fastapi",
                "python",
                "fastapi",
                "postgresql",
                List.of("auth", "crud", "docker"),
                List.of("user", "order_item")));
    JsonNode body = onlyRequest();
    JsonNode schema = body.path("response_format").path("json_schema");
    assertThat(schema.path("name").asText()).isEqualTo("project_plan");
    assertThat(schema.path("schema").path("properties").path("stack").path("enum").toString())
        .contains("python-fastapi", "java-spring-boot", "node-express", "unsupported");
    assertThat(body.path("messages").path(1).path("content").asText())
        .contains(SPEC.description())
        .contains("database: postgresql");
  }

  @Test
  void planWithoutConstraintsTakesTheModelsStack() {
    answer(
        """
        {"project_name": "orders", "stack": "java-spring-boot", "unsupported_reason": "",
         "language": "java", "framework": "spring-boot", "database": "mysql",
         "features": ["crud"], "entities": ["order"]}
        """);

    ProjectPlan plan = engine(0).plan(new GenerationSpec("An order service", null, null));

    assertThat(plan.stack()).isEqualTo("java-spring-boot");
    assertThat(plan.framework()).isEqualTo("spring-boot");
    assertThat(plan.database()).isEqualTo("mysql");
    assertThat(plan.entities()).containsExactly("order");
  }

  @Test
  void unsupportedConstraintsFailBeforeAnyCall() {
    LlmEngine engine = engine(2);

    assertThatThrownBy(
            () -> engine.plan(new GenerationSpec("A CLI", "", Map.of("language", "rust"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rust")
        .hasMessageContaining("python, java, javascript");
    assertThatThrownBy(
            () ->
                engine.plan(
                    new GenerationSpec(
                        "An API", "", Map.of("language", "python", "framework", "express"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Contradictory");
    assertThatThrownBy(
            () -> engine.plan(new GenerationSpec("An API", "", Map.of("database", "oracle"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oracle");
    server.verify(0, postRequestedFor(urlEqualTo(CHAT)));
  }

  @Test
  void planFailsWhenTheModelJudgesTheRequestUnsupported() {
    answer(
        """
        {"project_name": "kernel-module", "stack": "unsupported",
         "unsupported_reason": "a Linux kernel module needs C", "language": "", "framework": "",
         "database": "none", "features": [], "entities": []}
        """);

    assertThatThrownBy(() -> engine(2).plan(new GenerationSpec("A Linux kernel module", "", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a Linux kernel module needs C");
    server.verify(1, postRequestedFor(urlEqualTo(CHAT)));
  }

  @Test
  void refineFeedsFailedChecksAndPreviousFilesBackAndMerges() {
    List<SourceFile> previous =
        List.of(
            new SourceFile("app/main.py", "def broken(:\n    pass\n"),
            new SourceFile("README.md", "# Users\n"),
            new SourceFile("tests/test_main.py", "def test_ok():\n    assert True\n"));
    ValidationReport report =
        new ValidationReport(
            0.4,
            false,
            false,
            List.of("python.compile:app/main.py failed", "docker.build not run"),
            List.of("Fix the syntax error"),
            List.of(
                new CheckResult(
                    "python.compile:app/main.py",
                    "compile",
                    "app/main.py",
                    CheckStatus.FAILED,
                    true,
                    3,
                    "SyntaxError: invalid syntax (main.py, line 1)",
                    "Fix the syntax error in app/main.py"),
                new CheckResult(
                    "docker.build",
                    "config",
                    "Dockerfile",
                    CheckStatus.NOT_RUN,
                    false,
                    1,
                    "No Dockerfile found",
                    "Add a Dockerfile"),
                new CheckResult(
                    "structure.readme-present",
                    "structure",
                    "README.md",
                    CheckStatus.PASSED,
                    false,
                    1,
                    "README.md present",
                    null)));
    answer(
        Completions.files(
            "app/main.py",
            "def fixed():\n    return 1\n",
            "Dockerfile",
            "FROM python:3.12-slim\n"));

    List<SourceFile> refined = engine(2).refine(PLAN, SPEC, previous, report);

    assertThat(refined)
        .containsExactly(
            new SourceFile("app/main.py", "def fixed():\n    return 1\n"),
            new SourceFile("README.md", "# Users\n"),
            new SourceFile("tests/test_main.py", "def test_ok():\n    assert True\n"),
            new SourceFile("Dockerfile", "FROM python:3.12-slim\n"));
    JsonNode body = onlyRequest();
    assertThat(body.path("response_format").path("json_schema").path("name").asText())
        .isEqualTo("project_files");
    assertThat(body.path("messages").path(0).path("content").asText())
        .contains("ONLY the files you change");
    assertThat(body.path("messages").path(1).path("content").asText())
        .contains("[failed] python.compile:app/main.py (file app/main.py)")
        .contains("SyntaxError: invalid syntax (main.py, line 1)")
        .contains("Fix the syntax error in app/main.py")
        .contains("[not_run] docker.build")
        .contains("No Dockerfile found")
        .contains("--- FILE app/main.py ---\ndef broken(:\n    pass\n")
        .contains("# Users")
        .contains(SPEC.description())
        .doesNotContain("structure.readme-present");
  }

  @Test
  void refineWithNothingToFixDoesNotCallTheModel() {
    List<SourceFile> previous = List.of(new SourceFile("a.py", "x = 1\n"));
    ValidationReport allGood =
        new ValidationReport(
            1.0,
            true,
            true,
            List.of(),
            List.of("Capsule meets quality targets"),
            List.of(
                new CheckResult(
                    "python.compile:a.py",
                    "compile",
                    "a.py",
                    CheckStatus.PASSED,
                    true,
                    1,
                    "ok",
                    null)));

    assertThat(engine(2).refine(PLAN, SPEC, previous, allGood)).isEqualTo(previous);
    server.verify(0, postRequestedFor(urlEqualTo(CHAT)));
  }

  @Test
  void jsonInsideFencesIsAcceptedFromServersThatIgnoreResponseFormat() {
    answer(
        "Here is your project:\n\n```json\n"
            + Completions.files("app/main.py", "print('hi')\n")
            + "\n```\n");

    assertThat(engine(0).generate(PLAN, SPEC))
        .containsExactly(new SourceFile("app/main.py", "print('hi')\n"));
  }

  @Test
  void anUnusableAnswerIsAskedForAgainWithTheReason() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .inScenario("reask")
            .whenScenarioStateIs(STARTED)
            .willReturn(okJson(Completions.answer(Completions.files("../../etc/passwd", "x"))))
            .willSetStateTo("second"));
    server.stubFor(
        post(urlEqualTo(CHAT))
            .inScenario("reask")
            .whenScenarioStateIs("second")
            .willReturn(okJson(Completions.answer(Completions.files("app/main.py", "ok\n")))));

    assertThat(engine(0).generate(PLAN, SPEC))
        .containsExactly(new SourceFile("app/main.py", "ok\n"));

    var requests = server.findAll(postRequestedFor(urlEqualTo(CHAT)));
    assertThat(requests).hasSize(2);
    JsonNode second = Completions.parse(requests.get(1).getBodyAsString()).path("messages");
    assertThat(second).hasSize(3);
    assertThat(second.path(2).path("role").asText()).isEqualTo("user");
    assertThat(second.path(2).path("content").asText())
        .contains("unsafe file path")
        .contains("../../etc/passwd");
  }

  @Test
  void unsafePathsFailForGoodAfterTheReask() {
    answer(Completions.files("app/main.py", "ok", "../../etc/passwd", "root::0:0"));

    LlmException e = catchThrowableOfType(() -> engine(3).generate(PLAN, SPEC), LlmException.class);

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_OUTPUT);
    assertThat(e.retryable()).isFalse();
    assertThat(e.attempts()).isEqualTo(LlmEngine.ANSWER_ATTEMPTS);
    assertThat(e.getMessage())
        .contains("unsafe file path \"../../etc/passwd\"")
        .contains("after 2 answers");
    server.verify(LlmEngine.ANSWER_ATTEMPTS, postRequestedFor(urlEqualTo(CHAT)));
    assertThat(sleeper.delays).isEmpty();
  }

  @Test
  void aTruncatedAnswerSaysSo() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(
                okJson(Completions.answer("{\"files\": [{\"path\": \"a.py\", \"cont", "length"))));

    assertThatThrownBy(() -> engine(0).generate(PLAN, SPEC))
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("not a valid JSON object")
        .hasMessageContaining("cut off at the model's output limit");
  }

  @Test
  void aRefusalIsNotRetried() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(
                okJson(
                    """
                    {"choices": [{"index": 0, "finish_reason": "stop",
                      "message": {"role": "assistant", "content": null,
                                  "refusal": "I can't help with that."}}]}
                    """)));

    LlmException e = catchThrowableOfType(() -> engine(3).generate(PLAN, SPEC), LlmException.class);

    assertThat(e.kind()).isEqualTo(LlmException.Kind.REFUSED);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("I can't help with that.");
    server.verify(1, postRequestedFor(urlEqualTo(CHAT)));
  }

  @Test
  void aBodyThatIsNotAChatCompletionPointsAtTheBaseUrl() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(aResponse().withStatus(200).withBody("<html>Welcome</html>")));

    LlmException e = catchThrowableOfType(() -> engine(3).generate(PLAN, SPEC), LlmException.class);

    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_OUTPUT);
    assertThat(e.getMessage()).contains("not with a chat completion").contains("base URL");
    server.verify(1, postRequestedFor(urlEqualTo(CHAT)));
  }

  // ---- retries and failures ----

  @Test
  void rateLimitedThenOkSucceedsOnTheSecondCallHonouringRetryAfter() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .inScenario("429")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                json(429, "{\"error\": {\"message\": \"Rate limit reached\"}}")
                    .withHeader("Retry-After", "7"))
            .willSetStateTo("ok"));
    server.stubFor(
        post(urlEqualTo(CHAT))
            .inScenario("429")
            .whenScenarioStateIs("ok")
            .willReturn(okJson(Completions.answer(Completions.files("a.py", "x = 1\n")))));

    List<SourceFile> files = engine(2).generate(PLAN, SPEC);

    assertThat(files).containsExactly(new SourceFile("a.py", "x = 1\n"));
    server.verify(2, postRequestedFor(urlEqualTo(CHAT)));
    assertThat(sleeper.delays).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void serverErrorsExhaustTheRetriesWithExponentialBackoff() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(json(500, "{\"error\": {\"message\": \"upstream overloaded\"}}")));

    LlmException e = catchThrowableOfType(() -> engine(2).generate(PLAN, SPEC), LlmException.class);

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
    assertThat(e.retryable()).isTrue();
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.getMessage())
        .contains("after 3 attempts")
        .contains("HTTP 500")
        .contains("upstream overloaded")
        .contains(server.baseUrl() + CHAT);
    server.verify(3, postRequestedFor(urlEqualTo(CHAT)));
    assertThat(sleeper.delays).hasSize(2);
    assertThat(sleeper.delays.get(0)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    assertThat(sleeper.delays.get(1)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
  }

  @Test
  void aFailingEndpointOpensItsBreakerAndIsNoLongerCalledWhileOpen() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(json(503, "{\"error\": {\"message\": \"upstream down\"}}")));
    OutboundBreakers breakers =
        new OutboundBreakers(new OutboundBreakers.Settings(50, 4, 4, Duration.ofMinutes(5), 1, 5));
    LlmSettings settings =
        new LlmSettings(
            URI.create(server.baseUrl() + "/v1"),
            "test-model",
            KEY,
            Duration.ofSeconds(10),
            1,
            0.2);
    LlmEngine engine = new LlmEngine(settings, LlmRetryPolicy.DEFAULT, sleeper, breakers);

    // Two activities' calls, two requests each: four 503s, the breaker of this host opens.
    for (int i = 0; i < 2; i++) {
      LlmException e = catchThrowableOfType(() -> engine.generate(PLAN, SPEC), LlmException.class);
      assertThat(e.kind()).isEqualTo(LlmException.Kind.SERVER_ERROR);
    }
    server.verify(4, postRequestedFor(urlEqualTo(CHAT)));

    // Now a generation fails at once, retryable, without a request reaching the endpoint.
    LlmException open = catchThrowableOfType(() -> engine.generate(PLAN, SPEC), LlmException.class);
    assertThat(open.retryable()).isTrue();
    assertThat(open.getMessage()).contains("llm:localhost is failing").contains("suspended");
    server.verify(4, postRequestedFor(urlEqualTo(CHAT)));
    assertThat(breakers.circuitBreakers().circuitBreaker("llm:localhost").getState())
        .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
  }

  @Test
  void unauthorizedFailsAtOnce() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(json(401, "{\"error\": {\"message\": \"Incorrect API key provided\"}}")));

    LlmException e = catchThrowableOfType(() -> engine(3).generate(PLAN, SPEC), LlmException.class);

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.AUTH);
    assertThat(e.retryable()).isFalse();
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.getMessage())
        .contains("HTTP 401")
        .contains("check the API key")
        .contains("Incorrect API key provided");
    server.verify(1, postRequestedFor(urlEqualTo(CHAT)));
    assertThat(sleeper.delays).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 413, 422})
  void otherClientErrorsFailAtOnce(int status) {
    server.stubFor(post(urlEqualTo(CHAT)).willReturn(json(status, "{\"error\": \"nope\"}")));

    LlmException e = catchThrowableOfType(() -> engine(3).generate(PLAN, SPEC), LlmException.class);

    assertThat(e.retryable()).isFalse();
    assertThat(e.statusCode()).isEqualTo(status);
    assertThat(e.getMessage()).contains("HTTP " + status).contains("nope");
    server.verify(1, postRequestedFor(urlEqualTo(CHAT)));
  }

  @Test
  void aServerRejectingResponseFormatIsAskedAgainWithoutIt() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .inScenario("format")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                json(
                    400,
                    "{\"error\": {\"message\": \"Invalid parameter: 'response_format' of type"
                        + " 'json_schema' is not supported with this model.\"}}"))
            .willSetStateTo("plain"));
    server.stubFor(
        post(urlEqualTo(CHAT))
            .inScenario("format")
            .whenScenarioStateIs("plain")
            .willReturn(okJson(Completions.answer(Completions.files("a.py", "x = 1\n")))));

    assertThat(engine(0).generate(PLAN, SPEC)).hasSize(1);

    var requests = server.findAll(postRequestedFor(urlEqualTo(CHAT)));
    assertThat(requests).hasSize(2);
    assertThat(Completions.parse(requests.get(0).getBodyAsString()).has("response_format"))
        .isTrue();
    assertThat(Completions.parse(requests.get(1).getBodyAsString()).has("response_format"))
        .isFalse();
  }

  @Test
  void redirectsAreNotFollowed() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(
                aResponse().withStatus(307).withHeader("Location", "http://127.0.0.1:9/steal")));

    LlmException e = catchThrowableOfType(() -> engine(3).generate(PLAN, SPEC), LlmException.class);

    assertThat(e.kind()).isEqualTo(LlmException.Kind.REJECTED);
    assertThat(e.getMessage()).contains("HTTP 307").contains("not followed");
    server.verify(1, postRequestedFor(urlEqualTo(CHAT)));
  }

  @Test
  void connectionRefusedIsRetriedThenRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    LlmSettings settings =
        new LlmSettings(
            URI.create("http://127.0.0.1:" + closedPort + "/v1"),
            "test-model",
            KEY,
            Duration.ofSeconds(5),
            1,
            0.2);

    LlmException e =
        catchThrowableOfType(
            () -> new LlmEngine(settings, LlmRetryPolicy.DEFAULT, sleeper).generate(PLAN, SPEC),
            LlmException.class);

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.NETWORK);
    assertThat(e.retryable()).isTrue();
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.getMessage()).contains("could not connect").contains("after 2 attempts");
    assertThat(sleeper.delays).hasSize(1);
  }

  @Test
  void aSlowServerTimesOutAndIsRetried() {
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(
                okJson(Completions.answer(Completions.files("a.py", "x"))).withFixedDelay(3_000)));

    LlmException e =
        catchThrowableOfType(
            () -> engine(1, Duration.ofMillis(300)).generate(PLAN, SPEC), LlmException.class);

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(LlmException.Kind.NETWORK);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("no complete answer within PT0.3S");
    server.verify(2, postRequestedFor(urlEqualTo(CHAT)));
  }

  // ---- helpers ----

  private LlmEngine engine(int maxRetries) {
    return engine(maxRetries, Duration.ofSeconds(10));
  }

  private LlmEngine engine(int maxRetries, Duration timeout) {
    LlmSettings settings =
        new LlmSettings(
            URI.create(server.baseUrl() + "/v1"), "test-model", KEY, timeout, maxRetries, 0.2);
    return new LlmEngine(settings, LlmRetryPolicy.DEFAULT, sleeper);
  }

  private void answer(String content) {
    server.stubFor(post(urlEqualTo(CHAT)).willReturn(okJson(Completions.answer(content))));
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  private JsonNode onlyRequest() {
    var requests = server.findAll(postRequestedFor(urlEqualTo(CHAT)));
    assertThat(requests).hasSize(1);
    return Completions.parse(requests.get(0).getBodyAsString());
  }
}
