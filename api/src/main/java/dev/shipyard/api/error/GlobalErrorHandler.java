package dev.shipyard.api.error;

import dev.shipyard.api.security.AccessFailures;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Turns every failure, from any route or filter, into an {@link ApiError} in the family's shape.
 * Runs before Spring Boot's default handler. Unexpected errors are logged with the request ID and
 * answered with a generic 500 that reveals nothing internal.
 */
@Component
@Order(-2)
class GlobalErrorHandler implements WebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(GlobalErrorHandler.class);

  private final ErrorResponses responses;
  private final ObjectProvider<AccessFailures> accessFailures;

  GlobalErrorHandler(ErrorResponses responses, ObjectProvider<AccessFailures> accessFailures) {
    this.responses = responses;
    this.accessFailures = accessFailures;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.error(ex);
    }
    AccessFailures access = accessFailures.getIfAvailable();
    if (access != null && ex instanceof AuthenticationException) {
      // Method security found no caller: 401 (with why a presented credential was refused).
      return access.unauthenticated(exchange);
    }
    if (access != null && ex instanceof AccessDeniedException denied) {
      return access.handle(exchange, denied);
    }
    ApiError error = toApiError(exchange, ex);
    if (error.status().is5xxServerError()) {
      log.error(
          "{} {} failed [request_id={}]",
          exchange.getRequest().getMethod(),
          exchange.getRequest().getPath().value(),
          dev.shipyard.api.web.RequestIds.of(exchange),
          ex);
    }
    return responses.write(exchange, error);
  }

  private ApiError toApiError(ServerWebExchange exchange, Throwable ex) {
    String path = exchange.getRequest().getPath().value();
    if (ex instanceof ApiException api) {
      return api.error();
    }
    if (hasCause(ex, DataBufferLimitException.class)) {
      return ApiError.of(
          HttpStatus.PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "Request body is too large");
    }
    if (ex instanceof WebExchangeBindException bind) {
      FieldError field = bind.getFieldError();
      String name = field == null ? null : snakeCase(field.getField());
      String message =
          field == null
              ? "Request validation failed"
              : name
                  + ": "
                  + (field.getDefaultMessage() == null ? "is invalid" : field.getDefaultMessage());
      return ApiError.validation(ApiFamily.of(path).validationStatus(), name, message);
    }
    if (ex instanceof UnsupportedMediaTypeStatusException media) {
      return ApiError.of(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "UNSUPPORTED_MEDIA_TYPE",
          "Content type "
              + (media.getContentType() == null ? "(none)" : media.getContentType())
              + " is not supported; send application/json");
    }
    if (ex instanceof ServerWebInputException input && hasCause(ex, DecodingException.class)) {
      return ApiError.of(
          HttpStatus.BAD_REQUEST,
          "MALFORMED_JSON",
          "Request body is not valid JSON for this endpoint");
    }
    if (ex instanceof MethodNotAllowedException notAllowed) {
      return ApiError.of(
          HttpStatus.METHOD_NOT_ALLOWED,
          "METHOD_NOT_ALLOWED",
          "Method " + notAllowed.getHttpMethod() + " is not allowed on " + path);
    }
    if (ex instanceof NoResourceFoundException
        || (ex instanceof ResponseStatusException rse
            && rse.getStatusCode().value() == HttpStatus.NOT_FOUND.value()
            && !(ex instanceof ServerWebInputException))) {
      return ApiError.of(
          HttpStatus.NOT_FOUND,
          "NOT_FOUND",
          "No route for " + exchange.getRequest().getMethod() + " " + path);
    }
    if (temporalUnavailable(ex)) {
      return ApiError.of(
          HttpStatus.SERVICE_UNAVAILABLE,
          "TEMPORAL_UNAVAILABLE",
          "The workflow service is unavailable; try again");
    }
    if (ex instanceof ResponseStatusException rse) {
      HttpStatusCode code = rse.getStatusCode();
      HttpStatus status = HttpStatus.resolve(code.value());
      if (status == null) {
        status = HttpStatus.INTERNAL_SERVER_ERROR;
      }
      String reason = rse.getReason() != null ? rse.getReason() : status.getReasonPhrase();
      return ApiError.of(status, status.name().toUpperCase(Locale.ROOT), reason);
    }
    return ApiError.of(
        HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "An unexpected error occurred");
  }

  /** Request fields are snake_case on the wire; Java names them in camelCase. */
  static String snakeCase(String javaName) {
    return javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /**
   * Whether Temporal could not be reached ({@code UNAVAILABLE} from the gRPC channel, or from the
   * open {@code config/TemporalBreaker}): a 503, not a 500.
   */
  private static boolean temporalUnavailable(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof io.grpc.StatusRuntimeException status
          && status.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
