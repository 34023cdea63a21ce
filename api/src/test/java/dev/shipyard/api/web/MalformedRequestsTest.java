package dev.shipyard.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.api.error.ApiError;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class MalformedRequestsTest {

  private static HttpRequest request(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  private static HttpRequest failed(Throwable cause) {
    HttpRequest r = request("/bad-request");
    r.setDecoderResult(DecoderResult.failure(cause));
    return r;
  }

  @Test
  void letsValidTargetsThrough() {
    assertThat(MalformedRequests.errorOf(request("/capsule/cap-1?x=%20y"))).isNull();
    assertThat(MalformedRequests.errorOf(request("/capsule/..%2f..%2fetc%2fpasswd"))).isNull();
    assertThat(MalformedRequests.errorOf(request("http://example.com/v1/x"))).isNull();
  }

  @Test
  void refusesTargetsSpringCannotParse() {
    for (String target : new String[] {"/capsule/%zz", "/v1/a<b>", "/v1/a|b", "/v1/{x}"}) {
      ApiError error = MalformedRequests.errorOf(request(target));
      assertThat(error).as(target).isNotNull();
      assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(error.code()).isEqualTo("MALFORMED_URI");
    }
  }

  @Test
  void mapsDecoderFailuresToTheirStatus() {
    assertThat(MalformedRequests.errorOf(failed(new TooLongHttpLineException("x"))).status())
        .isEqualTo(HttpStatus.URI_TOO_LONG);
    assertThat(MalformedRequests.errorOf(failed(new TooLongHttpHeaderException("x"))).status())
        .isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    assertThat(MalformedRequests.errorOf(failed(new IllegalArgumentException("x"))).code())
        .isEqualTo("MALFORMED_REQUEST");
  }

  @Test
  void findsThePathForTheFamily() {
    assertThat(MalformedRequests.pathOf("/capsule/%zz?a=b")).isEqualTo("/capsule/%zz");
    assertThat(MalformedRequests.pathOf("http://h:1/api/v2/x#f")).isEqualTo("/api/v2/x");
    assertThat(MalformedRequests.pathOf("http://h:1")).isEqualTo("/");
  }
}
