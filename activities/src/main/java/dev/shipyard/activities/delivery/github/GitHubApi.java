package dev.shipyard.activities.delivery.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.activities.delivery.DeliveryFailures;
import dev.shipyard.outbound.OutboundBreakers;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.outbound.OutboundRefusedException;
import dev.shipyard.outbound.OutboundUnavailableException;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The few GitHub REST calls a delivery makes, through {@link OutboundHttp} (the outbound guard
 * checks the API host, the connection goes to the address it checked): bearer token, {@code
 * application/vnd.github+json}, a pinned {@code X-GitHub-Api-Version}. Statuses become typed
 * failures: 401, and 403 that is not a rate limit, are {@code CREDENTIALS_REJECTED}; 429, a
 * rate-limit 403 and 5xx are retryable {@code DESTINATION_UNAVAILABLE}; other 4xx are {@code
 * REQUEST_REJECTED} with GitHub's message. A 404 is returned to the caller, which knows what is
 * missing.
 */
final class GitHubApi {

  /** The REST API version every request asks for. */
  static final String API_VERSION = "2022-11-28";

  private static final int MAX_BODY = 2 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutboundHttp http;
  private final String base;
  private final DeliveryCredentials credentials;
  private final OutboundBreakers.Dependency<OutboundHttp.Response> breaker;

  /**
   * @param base the API's root ({@code https://api.github.com}, or {@code https://host/api/v3} of
   *     GitHub Enterprise Server), without a trailing slash
   * @param breakers the worker's breakers: one per API host ({@code github:<host>}), shared by
   *     every delivery, so that an API that is down fails deliveries at once (retryably)
   */
  GitHubApi(
      OutboundHttp http, String base, DeliveryCredentials credentials, OutboundBreakers breakers) {
    this.http = http;
    this.base = base.replaceAll("/+$", "");
    this.credentials = credentials;
    // Outages: no answer (network, timeout), 5xx, 429. A refusal by the guard and a 4xx are
    // answers about this request, not the API's failure.
    this.breaker =
        breakers.dependency(
            "github:" + URI.create(this.base).getHost(),
            e -> e instanceof IOException && !(e instanceof OutboundRefusedException),
            response -> response.status() >= 500 || response.status() == 429);
  }

  /** A JSON answer, or empty on 404. */
  Optional<JsonNode> get(String path) {
    return call("GET", path, null);
  }

  /** A JSON answer, or empty on 404; 422 (validation failed) is thrown as {@link Unprocessable}. */
  Optional<JsonNode> post(String path, Map<String, Object> body) {
    return call("POST", path, body);
  }

  /** GitHub refused a request body (422): the caller may know why (it exists already). */
  static final class Unprocessable extends RuntimeException {
    Unprocessable(String message) {
      super(message);
    }
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Optional<JsonNode> call(String method, String path, Map<String, Object> body) {
    URI uri = URI.create(base + path);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/vnd.github+json");
    headers.put("Authorization", "Bearer " + credentials.require("token"));
    headers.put("X-GitHub-Api-Version", API_VERSION);
    headers.put("User-Agent", "Shipyard-delivery");
    byte[] bytes = null;
    if (body != null) {
      headers.put("Content-Type", "application/json");
      try {
        bytes = JSON.writeValueAsBytes(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    OutboundHttp.Response response;
    byte[] content = bytes;
    try {
      response = breaker.call(() -> http.exchange(method, uri, headers, content, MAX_BODY));
    } catch (OutboundUnavailableException e) {
      throw DeliveryFailures.of(DeliveryFailure.DESTINATION_UNAVAILABLE, e.getMessage());
    } catch (OutboundRefusedException e) {
      throw DeliveryFailures.of(
          DeliveryFailure.OUTBOUND_REFUSED,
          "The GitHub API at " + host(uri) + " " + e.getMessage());
    } catch (Exception e) {
      throw DeliveryFailures.of(
          DeliveryFailure.DESTINATION_UNAVAILABLE,
          "The GitHub API at " + host(uri) + " could not be reached: " + scrub(e.getMessage()));
    }
    int status = response.status();
    String what = method + " " + path;
    if (status >= 200 && status < 300) {
      try {
        return Optional.of(JSON.readTree(response.body()));
      } catch (IOException e) {
        throw DeliveryFailures.of(
            DeliveryFailure.DESTINATION_UNAVAILABLE,
            what + " answered " + status + " without JSON");
      }
    }
    String message = message(response);
    if (status == 404) {
      return Optional.empty();
    }
    if (status == 401) {
      throw DeliveryFailures.of(
          DeliveryFailure.CREDENTIALS_REJECTED, "GitHub refused the token (401)" + message);
    }
    if (status == 429
        || status >= 500
        || (status == 403
            && ("0".equals(response.header("x-ratelimit-remaining"))
                || message.toLowerCase(java.util.Locale.ROOT).contains("rate limit")))) {
      throw DeliveryFailures.of(
          DeliveryFailure.DESTINATION_UNAVAILABLE, what + " answered " + status + message);
    }
    if (status == 403) {
      throw DeliveryFailures.of(
          DeliveryFailure.CREDENTIALS_REJECTED,
          "The token may not do " + what + " (403)" + message);
    }
    if (status == 422) {
      throw new Unprocessable(what + " answered 422" + message);
    }
    throw DeliveryFailures.of(
        DeliveryFailure.REQUEST_REJECTED, what + " answered " + status + message);
  }

  /** GitHub's {@code message} (and the first error's), scrubbed, or nothing. */
  private String message(OutboundHttp.Response response) {
    try {
      JsonNode node = JSON.readTree(response.body());
      if (node == null || !node.hasNonNull("message")) {
        return "";
      }
      StringBuilder text = new StringBuilder(": ").append(node.get("message").asText());
      JsonNode errors = node.path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        JsonNode first = errors.get(0);
        text.append(" (")
            .append(first.hasNonNull("message") ? first.get("message").asText() : first.toString())
            .append(")");
      }
      String scrubbed = scrub(text.toString());
      return scrubbed.length() > 500 ? scrubbed.substring(0, 500) + "..." : scrubbed;
    } catch (IOException e) {
      return "";
    }
  }

  private String scrub(String text) {
    return DeliveryFailures.scrub(text, credentials);
  }

  private static String host(URI uri) {
    return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }
}
