package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipyard.standalone.testing.LocalPlatformExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests refused before routing (by Netty's decoder, by Spring while building the URI, by Spring
 * Security's firewall) answer in the family's error shape with a request ID and the security
 * headers, like every other error. Sent over a raw socket: HTTP clients would normalise or refuse
 * these requests themselves.
 */
@ExtendWith(LocalPlatformExtension.class)
class PreRoutingErrorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Response(int status, Map<String, String> headers, Map<String, Object> body) {}

  @Test
  void encodedTraversalAnswersInTheCapsulesShape(LocalPlatform platform) throws Exception {
    Response r =
        send(platform, "GET /capsule/..%2f..%2fetc%2fpasswd HTTP/1.1", "X-Request-ID: probe-1");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).containsOnlyKeys("detail", "error_code", "timestamp", "request_id");
    assertThat(r.body())
        .containsEntry("error_code", "REQUEST_REJECTED")
        .containsEntry("request_id", "probe-1");
    assertCommonHeaders(r, "probe-1");
  }

  @Test
  void firewallRejectionsAnswerInEachFamilysShape(LocalPlatform platform) throws Exception {
    Response v2 = send(platform, "GET /api/v2/capsules/..;/x HTTP/1.1");
    assertThat(v2.status()).isEqualTo(400);
    assertThat(v2.body()).containsEntry("success", false);
    assertThat(v2.body().get("errors").toString()).contains("REQUEST_REJECTED");
    assertCommonHeaders(v2, null);

    Response builds = send(platform, "GET /api/build/%2e%2e/x HTTP/1.1");
    assertThat(builds.status()).isEqualTo(400);
    assertThat(builds.body())
        .containsEntry("error", "request_rejected")
        .containsEntry("status_code", 400);
    assertCommonHeaders(builds, null);

    Response engine = send(platform, "GET /v1//user/profile HTTP/1.1");
    assertThat(engine.status()).isEqualTo(400);
    assertThat(engine.body()).containsOnlyKeys("error");
    assertCommonHeaders(engine, null);
  }

  @Test
  void uriSpringCannotParseAnswersInTheFamilysShape(LocalPlatform platform) throws Exception {
    Response capsules = send(platform, "GET /capsule/%zz HTTP/1.1", "X-Request-ID: probe-2");
    assertThat(capsules.status()).isEqualTo(400);
    assertThat(capsules.body())
        .containsEntry("error_code", "MALFORMED_URI")
        .containsEntry("request_id", "probe-2");
    assertCommonHeaders(capsules, "probe-2");

    Response engine = send(platform, "GET /v1/a<b>c HTTP/1.1");
    assertThat(engine.status()).isEqualTo(400);
    assertThat(engine.body()).containsOnlyKeys("error");
    assertCommonHeaders(engine, null);
  }

  @Test
  @SuppressWarnings("unchecked")
  void undecodableRequestsAnswerInTheDefaultShape(LocalPlatform platform) throws Exception {
    Response garbage = send(platform, "HELLO");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat((Map<String, Object>) garbage.body().get("error"))
        .containsEntry("details", "MALFORMED_REQUEST");
    assertCommonHeaders(garbage, null);

    Response longLine = send(platform, "GET /v1/" + "a".repeat(70_000) + " HTTP/1.1");
    assertThat(longLine.status()).isEqualTo(414);
    assertThat((Map<String, Object>) longLine.body().get("error"))
        .containsEntry("details", "URI_TOO_LONG");
    assertCommonHeaders(longLine, null);

    Response bigHeaders = send(platform, "GET /health HTTP/1.1", "X-Big: " + "b".repeat(70_000));
    assertThat(bigHeaders.status()).isEqualTo(431);
    assertThat((Map<String, Object>) bigHeaders.body().get("error"))
        .containsEntry("details", "REQUEST_HEADER_FIELDS_TOO_LARGE");
    assertCommonHeaders(bigHeaders, null);
  }

  private static void assertCommonHeaders(Response r, String requestId) {
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    assertThat(r.headers().get("x-request-id")).isNotBlank();
    if (requestId != null) {
      assertThat(r.headers().get("x-request-id")).isEqualTo(requestId);
    }
    assertThat(r.headers())
        .containsEntry("x-content-type-options", "nosniff")
        .containsEntry("x-frame-options", "DENY")
        .containsKey("content-security-policy");
  }

  /** Sends a request line and headers as given, then reads the whole response. */
  static Response send(LocalPlatform platform, String requestLine, String... headers)
      throws IOException {
    URI api = URI.create(platform.endpoints().apiUrl());
    try (Socket socket = new Socket(api.getHost(), api.getPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder request = new StringBuilder(requestLine).append("\r\n");
      request.append("Host: ").append(api.getHost()).append(':').append(api.getPort());
      request.append("\r\nConnection: close\r\n");
      for (String h : headers) {
        request.append(h).append("\r\n");
      }
      request.append("\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return parse(socket.getInputStream());
    }
  }

  private static Response parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        all.write(buf, 0, n);
      }
    } catch (java.net.SocketException e) {
      // a reset after the server closed while the rest of our request was unread
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    assertThat(split).as("a response head in: %s", text).isPositive();
    String[] lines = text.substring(0, split).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(split + 4);
    assertThat(body).as("an error body (status %s)", status).isNotBlank();
    return new Response(status, headers, JSON.readValue(body, new TypeReference<>() {}));
  }
}
