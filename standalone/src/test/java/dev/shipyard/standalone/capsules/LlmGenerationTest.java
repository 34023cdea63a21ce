package dev.shipyard.standalone.capsules;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.shipyard.activities.codegen.GenerationSpec;
import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.activities.codegen.offline.OfflineEngine;
import dev.shipyard.standalone.LocalPlatform;
import dev.shipyard.standalone.testing.Accounts;
import dev.shipyard.standalone.testing.Json;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.workflows.capsules.GenerationRequest;
import dev.shipyard.workflows.capsules.ProjectPlan;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The {@code llm} engine end to end: the worker calls an OpenAI-compatible endpoint (WireMock
 * standing in for it) with its configured key; the project it answers is validated and stored; the
 * key appears in no workflow history, response or log line.
 */
@ExtendWith(LocalPlatformExtension.class)
class LlmGenerationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void generatesThroughAnOpenAiCompatibleServerWithoutLeakingTheKey(
      WebTestClient api, LocalPlatform platform, WireMockServer llm) throws Exception {
    GenerationSpec spec =
        new GenerationSpec(
            "Create a FastAPI microservice for user management",
            "Must include authentication, CRUD operations",
            Map.of("language", "python", "framework", "fastapi"));
    OfflineEngine offline = new OfflineEngine();
    ProjectPlan plan = offline.plan(spec);
    List<SourceFile> files = offline.generate(plan, spec);
    Map<String, Object> planAnswer =
        Map.of(
            "project_name", plan.projectName(),
            "stack", plan.stack(),
            "unsupported_reason", "",
            "language", plan.language(),
            "framework", plan.framework(),
            "database", plan.database(),
            "features", plan.features(),
            "entities", plan.entities());
    Map<String, Object> filesAnswer =
        Map.of(
            "files",
            files.stream().map(f -> Map.of("path", f.path(), "content", f.content())).toList());
    llm.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .withRequestBody(
                matchingJsonPath("$.response_format.json_schema.name", equalTo("project_plan")))
            .willReturn(completion(planAnswer)));
    llm.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .withRequestBody(
                matchingJsonPath("$.response_format.json_schema.name", equalTo("project_files")))
            .willReturn(completion(filesAnswer)));

    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(logs);
    captured.start();
    logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
    Map<String, Object> created;
    Accounts.Account owner = Accounts.register(api, "llm");
    try {
      created =
          Json.call(
              api,
              HttpMethod.POST,
              "/generate/robust-capsule",
              owner.accessToken(),
              Map.of(
                  "description", spec.description(),
                  "requirements", spec.requirements(),
                  "constraints", spec.constraints(),
                  "metadata", Map.of("engine", "llm")),
              200);
    } finally {
      logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> validation = (Map<String, Object>) created.get("validation");
    assertThat(validation).containsEntry("production_ready", true);
    assertThat(created.get("files_generated")).isEqualTo(files.size());
    llm.verify(
        postRequestedFor(urlEqualTo("/v1/chat/completions"))
            .withHeader("Authorization", equalTo("Bearer " + LocalPlatformExtension.LLM_API_KEY))
            .withRequestBody(matchingJsonPath("$.model", equalTo("test-model"))));

    String key = LocalPlatformExtension.LLM_API_KEY;
    String capsuleId = (String) created.get("capsule_id");
    WorkflowClient temporal = platform.apiContext().getBean(WorkflowClient.class);
    // Protobuf text format shows payload bytes as (escaped) text, unlike the JSON form's base64.
    String history =
        temporal.fetchHistory(GenerationRequest.workflowId(capsuleId)).getEvents().stream()
            .map(Object::toString)
            .reduce("", String::concat);
    assertThat(history).contains(capsuleId).doesNotContain(key);
    assertThat(created.toString()).doesNotContain(key);
    assertThat(
            Json.call(api, HttpMethod.GET, "/capsule/" + capsuleId, owner.accessToken(), null, 200)
                .toString())
        .doesNotContain(key);
    assertThat(captured.list).isNotEmpty();
    assertThat(captured.list)
        .noneMatch(e -> e.getFormattedMessage().contains(key))
        .noneMatch(
            e ->
                e.getThrowableProxy() != null
                    && ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(e.getThrowableProxy())
                        .contains(key));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder completion(
      Object answer) throws Exception {
    Map<String, Object> body =
        Map.of(
            "id", "chatcmpl-test",
            "object", "chat.completion",
            "model", "test-model",
            "choices",
                List.of(
                    Map.of(
                        "index",
                        0,
                        "message",
                        Map.of("role", "assistant", "content", JSON.writeValueAsString(answer)),
                        "finish_reason",
                        "stop")),
            "usage", Map.of("prompt_tokens", 10, "completion_tokens", 10, "total_tokens", 20));
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(JSON.writeValueAsString(body));
  }
}
