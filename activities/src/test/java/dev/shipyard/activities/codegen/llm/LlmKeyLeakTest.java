package dev.shipyard.activities.codegen.llm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The API key never shows in logs, exception messages (causes and stack traces included) or the
 * settings' toString, even when a server echoes it back in an error body.
 */
class LlmKeyLeakTest {

  private static final String KEY = "sk-live-Zq8xKeyThatMustNeverLeak-4242";
  private static final String CHAT = "/v1/chat/completions";

  private WireMockServer server;
  private ListAppender<ILoggingEvent> appender;
  private Logger root;
  private Level previousLevel;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    appender = new ListAppender<>();
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void stop() {
    root.detachAppender(appender);
    root.setLevel(previousLevel);
    server.stop();
  }

  @Test
  void theKeyAppearsInNoLogNoExceptionAndNoToString() {
    LlmSettings settings =
        new LlmSettings(
            URI.create(server.baseUrl() + "/v1"), "test-model", KEY, Duration.ofSeconds(5), 1, 0);
    LlmEngine engine = new LlmEngine(settings, LlmRetryPolicy.DEFAULT, d -> {});
    GenerationSpec spec = new GenerationSpec("A notes API", "CRUD", Map.of("language", "python"));
    ProjectPlan plan =
        new ProjectPlan(
            "notes", "python-fastapi", "python", "fastapi", "none", List.of("crud"), List.of());
    List<String> texts = new ArrayList<>();

    // 1. A server that echoes the key and the header in a 401 body.
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody(
                        "{\"error\": {\"message\": \"Incorrect API key provided: "
                            + KEY
                            + " (header was Authorization: Bearer "
                            + KEY
                            + ")\"}}")));
    LlmException unauthorized =
        catchThrowableOfType(() -> engine.generate(plan, spec), LlmException.class);
    assertThat(unauthorized).isNotNull();
    assertThat(unauthorized.getMessage())
        .contains("Incorrect API key provided")
        .contains("HTTP 401");
    texts.add(everything(unauthorized));

    // 2. Retried 503s whose body echoes the key, as plain text.
    server.resetAll();
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(aResponse().withStatus(503).withBody("overloaded, key=" + KEY)));
    LlmException unavailable =
        catchThrowableOfType(() -> engine.generate(plan, spec), LlmException.class);
    assertThat(unavailable).isNotNull();
    assertThat(unavailable.retryable()).isTrue();
    texts.add(everything(unavailable));

    // 3. An unusable answer that contains the key, then 4. a successful exchange.
    server.resetAll();
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(okJson(Completions.answer("{\"files\": \"" + KEY + "\"}"))));
    LlmException invalid =
        catchThrowableOfType(() -> engine.generate(plan, spec), LlmException.class);
    assertThat(invalid).isNotNull();
    texts.add(everything(invalid));

    server.resetAll();
    server.stubFor(
        post(urlEqualTo(CHAT))
            .willReturn(okJson(Completions.answer(Completions.files("app/main.py", "x = 1\n")))));
    assertThat(engine.generate(plan, spec)).hasSize(1);
    // the key did go where it belongs
    server.verify(
        postRequestedFor(urlEqualTo(CHAT)).withHeader("Authorization", equalTo("Bearer " + KEY)));

    texts.add(settings.toString());
    List<String> logLines = new ArrayList<>();
    for (ILoggingEvent event : appender.list) {
      if (event.getLoggerName().startsWith("dev.shipyard")) {
        logLines.add(
            event.getLoggerName() + " " + event.getLevel() + " " + event.getFormattedMessage());
      }
      texts.add(event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
    }

    // the engine did log: a retry warning, an unusable-answer warning, a success line
    assertThat(logLines)
        .anyMatch(l -> l.contains("WARN") && l.contains("retrying"))
        .anyMatch(l -> l.contains("WARN") && l.contains("asking again"))
        .anyMatch(l -> l.contains("INFO") && l.contains("answered in"));
    assertThat(texts).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContain(KEY));
    assertThat(String.join("\n", texts)).doesNotContain("Zq8xKeyThatMustNeverLeak");
  }

  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
