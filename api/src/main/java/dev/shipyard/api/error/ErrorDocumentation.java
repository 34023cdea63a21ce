package dev.shipyard.api.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.shipyard.api.openapi.OpenApiSchemas;
import dev.shipyard.api.ratelimit.RateLimits;
import dev.shipyard.api.security.PublicEndpoint;
import dev.shipyard.api.v2.ApiResponse;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.HandlerMethod;

/**
 * The OpenAPI side of the error model: every operation documents the error responses it can give,
 * in its family's error schema ({@link ErrorBodies}), with examples rendered by the family itself
 * from the values of the spec documents. Which statuses apply follows from the handler:
 *
 * <ul>
 *   <li>every operation: 500;
 *   <li>a request body: 400 (malformed JSON), 413, 415 and the family's validation status;
 *   <li>query or path parameters: 400 and the family's validation status;
 *   <li>a path parameter: 404;
 *   <li>a guarded handler ({@code @PreAuthorize}): 401 and 403;
 *   <li>a rate-limited path: 429;
 *   <li>whatever the handler adds with {@link DocumentedErrors}.
 * </ul>
 *
 * A response the handler documents itself (such as readiness's 503) is kept.
 */
@Component
class ErrorDocumentation implements GlobalOperationCustomizer, GlobalOpenApiCustomizer {

  /** The spec documents' example timestamp and request ID (capsules-api.md "Error Responses"). */
  private static final Instant EXAMPLE_TIME = Instant.parse("2024-01-15T14:00:00Z");

  private static final String EXAMPLE_REQUEST_ID = "req-error-123";

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Operation customize(Operation operation, HandlerMethod handler) {
    String path = path(handler);
    if (path == null) {
      return operation;
    }
    ApiFamily family = ApiFamily.of(path);
    TreeSet<Integer> statuses = new TreeSet<>();
    statuses.add(500);
    boolean hasBody = operation.getRequestBody() != null;
    boolean hasParameters =
        operation.getParameters() != null && !operation.getParameters().isEmpty();
    if (hasBody) {
      statuses.addAll(java.util.List.of(400, 413, 415, family.validationStatus().value()));
    }
    if (hasParameters) {
      statuses.add(400);
      statuses.add(family.validationStatus().value());
    }
    if (path.contains("{")) {
      statuses.add(404);
    }
    boolean guarded =
        AnnotatedElementUtils.hasAnnotation(handler.getMethod(), PreAuthorize.class)
            || AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), PreAuthorize.class);
    boolean isPublic =
        handler.hasMethodAnnotation(PublicEndpoint.class)
            || handler.getBeanType().isAnnotationPresent(PublicEndpoint.class);
    if (guarded && !isPublic) {
      statuses.add(401);
      statuses.add(403);
    }
    if (!RateLimits.exempt(path)) {
      statuses.add(429);
    }
    DocumentedErrors extra = handler.getMethodAnnotation(DocumentedErrors.class);
    if (extra != null) {
      for (HttpStatus status : extra.value()) {
        statuses.add(status.value());
      }
    }
    if (operation.getResponses() == null) {
      operation.setResponses(new ApiResponses());
    }
    for (int status : statuses) {
      String code = String.valueOf(status);
      if (operation.getResponses().containsKey(code)) {
        continue;
      }
      HttpStatus httpStatus = HttpStatus.valueOf(status);
      operation
          .getResponses()
          .addApiResponse(
              code,
              new io.swagger.v3.oas.models.responses.ApiResponse()
                  .description(httpStatus.getReasonPhrase())
                  .content(errorContent(family, httpStatus)));
    }
    return operation;
  }

  /** Adds the error schemas the operations refer to (and what they refer to) to the components. */
  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      openApi.setComponents(new Components());
    }
    Set<String> referred = new HashSet<>();
    if (openApi.getPaths() != null) {
      openApi
          .getPaths()
          .values()
          .forEach(
              item ->
                  item.readOperations().stream()
                      .filter(op -> op.getResponses() != null)
                      .flatMap(op -> op.getResponses().values().stream())
                      .filter(r -> r.getContent() != null)
                      .flatMap(r -> r.getContent().values().stream())
                      .filter(m -> m.getSchema() != null && m.getSchema().get$ref() != null)
                      .forEach(m -> referred.add(m.getSchema().get$ref())));
    }
    for (ApiFamily family : ApiFamily.values()) {
      if (!referred.contains("#/components/schemas/" + schemaName(family))) {
        continue;
      }
      OpenApiSchemas.of(schemaType(family))
          .forEach(
              (name, schema) -> {
                if (openApi.getComponents().getSchemas() == null
                    || !openApi.getComponents().getSchemas().containsKey(name)) {
                  openApi.getComponents().addSchemas(name, schema);
                }
              });
    }
  }

  private static Content errorContent(ApiFamily family, HttpStatus status) {
    // As the API writes it: nulls included (the document's own mapper would drop them).
    Object example =
        JSON.valueToTree(
            family.body(exampleError(family, status), EXAMPLE_REQUEST_ID, EXAMPLE_TIME));
    return new Content()
        .addMediaType(
            org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
            new MediaType()
                .schema(new Schema<>().$ref("#/components/schemas/" + schemaName(family)))
                .addExamples(
                    exampleName(status),
                    new Example().summary(status.getReasonPhrase()).value(example)));
  }

  private static String exampleName(HttpStatus status) {
    return status.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Errors as the API raises them, with the messages and codes of the spec documents. */
  static ApiError exampleError(ApiFamily family, HttpStatus status) {
    return switch (status) {
      case BAD_REQUEST ->
          family.validationStatus() == HttpStatus.BAD_REQUEST
              ? ApiError.validation(status, "name", "name: required field is missing")
              : ApiError.of(
                  status, "MALFORMED_JSON", "Request body is not valid JSON for this endpoint");
      case UNAUTHORIZED -> ApiError.of(status, "UNAUTHORIZED", "Authentication required");
      case FORBIDDEN -> ApiError.of(status, "FORBIDDEN", "Insufficient permissions");
      case NOT_FOUND ->
          family == ApiFamily.CAPSULES
              ? ApiError.of(status, "CAPSULE_NOT_FOUND", "Capsule cap-123 not found")
              : ApiError.of(status, "NOT_FOUND", "Resource not found");
      case CONFLICT -> ApiError.of(status, "CONFLICT", "Username or email already exists");
      case LOCKED -> ApiError.of(status, "ACCOUNT_LOCKED", "Account locked; retry in 900 seconds");
      case PAYLOAD_TOO_LARGE ->
          ApiError.of(status, "PAYLOAD_TOO_LARGE", "Request body is too large");
      case UNSUPPORTED_MEDIA_TYPE ->
          ApiError.of(
              status,
              "UNSUPPORTED_MEDIA_TYPE",
              "Content type text/plain is not supported; send application/json");
      case UNPROCESSABLE_ENTITY ->
          ApiError.validation(status, "project_name", "Project name is required");
      case TOO_MANY_REQUESTS ->
          ApiError.of(status, "RATE_LIMIT_EXCEEDED", "Too many requests; retry in 12 seconds");
      case SERVICE_UNAVAILABLE ->
          ApiError.of(status, "SERVICE_UNAVAILABLE", "The service is unavailable; try again later");
      default -> ApiError.of(status, "INTERNAL_ERROR", "An unexpected error occurred");
    };
  }

  /** The Java type whose schema documents the family's error body. */
  static Type schemaType(ApiFamily family) {
    return switch (family) {
      case CAPSULES -> ErrorBodies.CapsuleError.class;
      case BUILDS -> ErrorBodies.BuildsError.class;
      case V2 ->
          TypeFactory.defaultInstance().constructParametricType(ApiResponse.class, Object.class);
      case DEPLOYMENT_CONTRACTS -> ErrorBodies.DeploymentError.class;
      case CONTAINER_ENGINE -> ErrorBodies.EngineError.class;
    };
  }

  static String schemaName(ApiFamily family) {
    return switch (family) {
      case CAPSULES -> "CapsuleError";
      case BUILDS -> "BuildsError";
      case V2 -> "ApiResponseObject";
      case DEPLOYMENT_CONTRACTS -> "DeploymentError";
      case CONTAINER_ENGINE -> "EngineError";
    };
  }

  /** The first path the handler is mapped to; all of a handler's paths share one family. */
  private static String path(HandlerMethod handler) {
    RequestMapping mapping =
        AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), RequestMapping.class);
    if (mapping == null || mapping.path().length == 0) {
      return null;
    }
    RequestMapping type =
        AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), RequestMapping.class);
    String prefix = type == null || type.path().length == 0 ? "" : type.path()[0];
    return prefix + mapping.path()[0];
  }
}
