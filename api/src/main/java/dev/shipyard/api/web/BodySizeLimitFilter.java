package dev.shipyard.api.web;

import dev.shipyard.api.capsules.versions.VersionWriter;
import dev.shipyard.api.config.ShipyardProperties;
import dev.shipyard.api.error.ApiException;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body whose declared length exceeds {@code MAX_REQUEST_BODY} with 413 before anything
 * reads it. Bodies without a length are capped by the codecs' {@code max-in-memory-size}, which is
 * set to the same limit and also answers 413. One exception: a multipart capsule version upload
 * ({@code POST /capsule/{id}/version}) streams its files to object storage as they arrive, never
 * whole in memory, and may carry up to {@link VersionWriter#MAX_UPLOAD_BYTES}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class BodySizeLimitFilter implements WebFilter {

  private static final Pattern VERSION_PATH = Pattern.compile("/capsule/[^/]+/version");

  private final long maxBytes;

  BodySizeLimitFilter(ShipyardProperties properties) {
    this.maxBytes = properties.http().maxRequestBody().toBytes();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long length = exchange.getRequest().getHeaders().getContentLength();
    long limit = versionUpload(exchange) ? VersionWriter.MAX_UPLOAD_BYTES : maxBytes;
    if (length > limit) {
      return Mono.error(
          new ApiException(
              HttpStatus.PAYLOAD_TOO_LARGE,
              "PAYLOAD_TOO_LARGE",
              "Request body of " + length + " bytes exceeds the limit of " + limit + " bytes"));
    }
    return chain.filter(exchange);
  }

  private static boolean versionUpload(ServerWebExchange exchange) {
    MediaType type = exchange.getRequest().getHeaders().getContentType();
    return exchange.getRequest().getMethod() == HttpMethod.POST
        && type != null
        && MediaType.MULTIPART_FORM_DATA.includes(type)
        && VERSION_PATH.matcher(exchange.getRequest().getPath().value()).matches();
  }
}
