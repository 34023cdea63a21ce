package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import dev.shipyard.standalone.testing.OpenApiValidation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * The OpenAPI document describes every response: typed schemas with snake_case fields, JSON media
 * types, and each family's error responses; and the validator every end-to-end response goes
 * through ({@link OpenApiValidation}) refuses responses that do not match it.
 */
@ExtendWith(LocalPlatformExtension.class)
class OpenApiContractTest {

  /**
   * The documented non-JSON success bodies: a deployment's logs followed as SSE, capsule archives
   * and packaged Helm charts (binary), a chart's rendered manifests (YAML), and a signing key as
   * PEM.
   */
  private static final java.util.Set<String> STREAMS =
      java.util.Set.of(
          "GET /v1/deployments/{deploymentId}/logs 200 text/event-stream",
          "GET /capsule/{capsuleId}/stream 200 application/gzip",
          "GET /capsule/{capsuleId}/stream 200 application/zip",
          "POST /api/v2/capsules/{capsuleId}/export 200 application/gzip",
          "POST /api/v2/capsules/{capsuleId}/export 200 application/zip",
          "GET /capsule/{capsuleId}/export/{format} 200 application/zip",
          "GET /capsule/{capsuleId}/download 200 application/gzip",
          "GET /capsule/{capsuleId}/download 200 application/zip",
          "GET /capsules/signing-keys/{keyId} 200 application/x-pem-file",
          "GET /api/helm-charts/{id}/package 200 application/gzip",
          "GET /api/helm-charts/{id}/rendered 200 application/yaml");

  /** Archives and rendered manifests (YAML files) are described as binary strings. */
  private static final java.util.Set<String> BINARY =
      java.util.Set.of("application/gzip", "application/zip", "application/yaml");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String baseUrl(LocalPlatform platform) {
    return platform.endpoints().apiUrl();
  }

  @Test
  void theValidatorAcceptsWhatTheDocumentDescribes(LocalPlatform platform) {
    ValidationReport report =
        OpenApiValidation.validate(
            baseUrl(platform),
            HttpMethod.GET,
            "/api/health/live",
            200,
            "application/json",
            bytes("{\"status\": \"alive\", \"timestamp\": \"2026-01-01T00:00:00Z\"}"));
    assertThat(report.getMessages()).isEmpty();
  }

  @Test
  void theValidatorRefusesResponsesThatDoNotMatch(LocalPlatform platform) {
    String url = baseUrl(platform);
    // a documented field missing
    assertThat(
            keys(
                OpenApiValidation.validate(
                    url,
                    HttpMethod.GET,
                    "/api/health/live",
                    200,
                    "application/json",
                    bytes("{\"status\": \"alive\"}"))))
        .anyMatch(k -> k.startsWith("validation.response.body.schema"));
    // a field of the wrong type, in a capsule
    assertThat(
            OpenApiValidation.validate(
                    url,
                    HttpMethod.GET,
                    "/capsules",
                    200,
                    "application/json",
                    bytes("{\"capsules\": [], \"total\": \"none\", \"limit\": 50, \"offset\": 0}"))
                .hasErrors())
        .isTrue();
    // another family's error shape: a capsule 404 in the container-engine shape
    assertThat(
            OpenApiValidation.validate(
                    url,
                    HttpMethod.GET,
                    "/capsule/cap-1",
                    404,
                    "application/json",
                    bytes("{\"error\": {\"message\": \"not found\", \"details\": \"x\"}}"))
                .hasErrors())
        .isTrue();
    // a status the operation does not document
    assertThat(
            keys(
                OpenApiValidation.validate(
                    url, HttpMethod.GET, "/api/health/live", 418, "application/json", bytes("{}"))))
        .contains("validation.response.status.unknown");
    // a media type the operation does not produce
    assertThat(
            keys(
                OpenApiValidation.validate(
                    url, HttpMethod.GET, "/api/health/live", 200, "text/plain", bytes("alive"))))
        .contains("validation.response.contentType.notAllowed");
  }

  @Test
  void theClientFilterFailsTheTestWithTheReport(LocalPlatform platform) {
    ClientRequest request =
        ClientRequest.create(HttpMethod.GET, URI.create(baseUrl(platform) + "/api/health/live"))
            .build();
    ClientResponse wrong =
        ClientResponse.create(org.springframework.http.HttpStatus.OK)
            .header("Content-Type", MediaType.APPLICATION_JSON_VALUE)
            .body("{\"status\": 42}")
            .build();
    Throwable thrown =
        catchThrowable(
            () ->
                OpenApiValidation.filter(baseUrl(platform))
                    .filter(request, r -> Mono.just(wrong))
                    .block());
    assertThat(Exceptions.unwrap(thrown))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("GET /api/health/live answered 200")
        .hasMessageContaining("does not match the OpenAPI document")
        .hasMessageContaining("timestamp");
  }

  @Test
  void everyOperationDocumentsJsonBodiesAndItsFamilysErrors(WebTestClient api) throws Exception {
    JsonNode document =
        JSON.readTree(
            // The document is larger than the codecs' default 256 KiB buffer.
            api.mutate()
                .codecs(c -> c.defaultCodecs().maxInMemorySize(8 * 1024 * 1024))
                .build()
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
    assertThat(document.path("openapi").asText()).startsWith("3.0");
    Map<String, String> errorSchemaByPrefix =
        Map.ofEntries(
            Map.entry("/capsule", "CapsuleError"),
            Map.entry("/generate/", "CapsuleError"),
            Map.entry("/delivery/", "CapsuleError"),
            Map.entry("/api/v2/", "ApiResponseObject"),
            Map.entry("/api/health", "BuildsError"),
            Map.entry("/api/build", "BuildsError"),
            Map.entry("/api/analysis", "BuildsError"),
            Map.entry("/auth/", "BuildsError"),
            Map.entry("/api/deployments", "DeploymentError"),
            Map.entry("/api/services", "DeploymentError"),
            Map.entry("/api/container-images", "DeploymentError"),
            Map.entry("/api/helm-charts", "DeploymentError"),
            Map.entry("/v1/", "EngineError"));
    List<String> problems = new ArrayList<>();
    int operations = 0;
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        operations++;
        String where = op.getKey().toUpperCase() + " " + path.getKey();
        JsonNode responses = op.getValue().path("responses");
        if (!responses.has("500")) {
          problems.add(where + " documents no 500");
        }
        for (Iterator<Map.Entry<String, JsonNode>> rs = responses.fields(); rs.hasNext(); ) {
          Map.Entry<String, JsonNode> r = rs.next();
          JsonNode content = r.getValue().path("content");
          for (Iterator<String> types = content.fieldNames(); types.hasNext(); ) {
            String type = types.next();
            if (!type.equals("application/json")
                && !STREAMS.contains(where + " " + r.getKey() + " " + type)) {
              problems.add(where + " " + r.getKey() + " produces " + type);
            }
            JsonNode typeSchema = content.path(type).path("schema");
            if (BINARY.contains(type)
                && !(typeSchema.path("type").asText().equals("string")
                    && typeSchema.path("format").asText().equals("binary"))) {
              problems.add(where + " " + r.getKey() + " " + type + " is not binary: " + typeSchema);
            }
          }
          boolean binaryOnly =
              content.size() > 0
                  && !content.has("application/json")
                  && java.util.stream.StreamSupport.stream(
                          ((Iterable<String>) content::fieldNames).spliterator(), false)
                      .allMatch(BINARY::contains);
          JsonNode schema = content.path("application/json").path("schema");
          if (r.getKey().startsWith("4") || r.getKey().equals("500")) {
            String expected =
                errorSchemaByPrefix.entrySet().stream()
                    .filter(e -> path.getKey().startsWith(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse("EngineError");
            if (!schema.path("$ref").asText().equals("#/components/schemas/" + expected)) {
              problems.add(where + " " + r.getKey() + " is not a " + expected + ": " + schema);
            }
            if (content.path("application/json").path("examples").isEmpty()) {
              problems.add(where + " " + r.getKey() + " has no example");
            }
          } else if (!binaryOnly
              && !schema.has("$ref")
              && !schema.path("items").has("$ref")
              && !schema.path("additionalProperties").has("$ref")) {
            // Every success body is a named schema (a record), a list or a map of one.
            problems.add(where + " " + r.getKey() + " has no typed schema: " + schema);
          }
        }
      }
    }
    assertThat(operations).isGreaterThan(20);
    assertThat(problems).isEmpty();
    JsonNode details = document.path("components").path("schemas").path("CapsuleDetails");
    assertThat(details.path("properties").has("confidence_score")).isTrue();
    assertThat(details.path("properties").path("error").path("nullable").asBoolean()).isTrue();
    assertThat(JSON.convertValue(details.path("required"), List.class))
        .contains("id", "status", "validation", "preview", "error");
    // null until validated: a nullable reference to the validation schema
    assertThat(details.path("properties").path("validation").path("nullable").asBoolean()).isTrue();
    assertThat(
            details
                .path("properties")
                .path("validation")
                .path("anyOf")
                .get(0)
                .path("$ref")
                .asText())
        .isEqualTo("#/components/schemas/CapsuleValidation");
    JsonNode history = document.path("components").path("schemas").path("GenerationHistory");
    assertThat(JSON.convertValue(history.path("required"), List.class))
        .containsExactlyInAnyOrder("capsule_id", "status");
    assertThat(history.path("properties").path("plan").path("nullable").asBoolean()).isTrue();
  }

  private static List<String> keys(ValidationReport report) {
    return report.getMessages().stream().map(ValidationReport.Message::getKey).toList();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
