package dev.shipyard.standalone.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Validates every response the end-to-end suite receives against the API's live OpenAPI document
 * ({@code /v3/api-docs}) with the swagger-request-validator: a response whose status, media type or
 * body the document does not describe fails the test with the validator's report. The document is
 * also written to {@code target/openapi/openapi.json}, where {@code .ci/run} lints it.
 *
 * <p>Not validated, because no API document describes them: the document itself, Swagger UI,
 * actuator endpoints, CORS preflights ({@code OPTIONS}), and refusals (4xx) of paths or methods the
 * document does not have (404 and 405 from routing, 413 before routing; {@code HttpBehaviourTest}
 * asserts their shapes). Token, password, secret and key values are masked in failure reports.
 */
public final class OpenApiValidation {

  /** Where the last fetched document is written for the linter. */
  public static final Path DOCUMENT = Path.of("target", "openapi", "openapi.json");

  private static final List<String> UNDOCUMENTED =
      List.of("/v3/api-docs", "/swagger-ui", "/webjars/", "/actuator");

  private static final Pattern SECRET_FIELD =
      Pattern.compile("\"([A-Za-z_]*(?:token|password|secret|key)[A-Za-z_]*)\"\\s*:\\s*\"[^\"]*\"");

  private static final Map<String, OpenApiInteractionValidator> VALIDATORS =
      new ConcurrentHashMap<>();

  private OpenApiValidation() {}

  /** A filter for a client of the API at {@code baseUrl} that validates each response. */
  public static ExchangeFilterFunction filter(String baseUrl) {
    return (request, next) ->
        next.exchange(request)
            .flatMap(
                response ->
                    DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()))
                        .map(OpenApiValidation::bytes)
                        .defaultIfEmpty(new byte[0])
                        // Validation parses and may load classes: off the event loop.
                        .publishOn(Schedulers.boundedElastic())
                        .map(
                            body -> {
                              assertValid(
                                  baseUrl,
                                  request.method(),
                                  request.url().getRawPath(),
                                  response,
                                  body);
                              return response
                                  .mutate()
                                  .body(
                                      Flux.just(
                                          (DataBuffer)
                                              DefaultDataBufferFactory.sharedInstance.wrap(body)))
                                  .build();
                            }));
  }

  private static void assertValid(
      String baseUrl, HttpMethod method, String path, ClientResponse response, byte[] body) {
    if (method == HttpMethod.OPTIONS || UNDOCUMENTED.stream().anyMatch(path::startsWith)) {
      return;
    }
    String contentType = response.headers().contentType().map(Object::toString).orElse(null);
    ValidationReport report =
        validate(baseUrl, method, path, response.statusCode().value(), contentType, body);
    if (report.hasErrors()) {
      throw new AssertionError(
          method
              + " "
              + path
              + " answered "
              + response.statusCode().value()
              + " "
              + masked(new String(body, StandardCharsets.UTF_8))
              + "\nwhich does not match the OpenAPI document:\n"
              + SimpleValidationReportFormat.getInstance().apply(report));
    }
  }

  /**
   * The validator's report on a response. A refusal (4xx) of a path or method the document does not
   * have is not an operation's response (404 or 405 from routing, 413 from the body limit before
   * routing): the report leaves out that the path or method is missing.
   */
  public static ValidationReport validate(
      String baseUrl, HttpMethod method, String path, int status, String contentType, byte[] body) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
    if (contentType != null) {
      response.withContentType(contentType);
    }
    if (body.length > 0) {
      response.withBody(body);
    }
    ValidationReport report =
        validator(baseUrl)
            .validateResponse(path, Request.Method.valueOf(method.name()), response.build());
    if (status >= 400 && status < 500) {
      report =
          ValidationReport.from(
              report.getMessages().stream()
                  .filter(
                      m ->
                          !m.getKey().equals("validation.request.path.missing")
                              && !m.getKey().equals("validation.request.operation.notAllowed"))
                  .toList());
    }
    return report;
  }

  /** The validator of the API at {@code baseUrl}, from its live document (fetched once). */
  public static OpenApiInteractionValidator validator(String baseUrl) {
    return VALIDATORS.computeIfAbsent(
        baseUrl,
        url -> {
          String document = fetch(url + "/v3/api-docs");
          try {
            Files.createDirectories(DOCUMENT.getParent());
            Files.writeString(DOCUMENT, document);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
        });
  }

  private static String fetch(String url) {
    HttpClient http = HttpClient.newHttpClient();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The body with the values of secret-bearing fields replaced, for failure reports. */
  static String masked(String body) {
    String masked = SECRET_FIELD.matcher(body).replaceAll("\"$1\":\"***\"");
    return masked.length() > 4000 ? masked.substring(0, 4000) + "..." : masked;
  }

  private static byte[] bytes(DataBuffer buffer) {
    byte[] bytes = new byte[buffer.readableByteCount()];
    buffer.read(bytes);
    DataBufferUtils.release(buffer);
    return bytes;
  }
}
