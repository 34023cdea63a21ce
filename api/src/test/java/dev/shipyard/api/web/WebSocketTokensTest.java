package dev.shipyard.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** The WebSocket token never stays in a URI that something could log. */
class WebSocketTokensTest {

  @Test
  void theQueryTokenOfAWebSocketPathBecomesTheBearerHeader() {
    ServerHttpRequest request =
        WebSocketTokens.relocate(
            MockServerHttpRequest.get("/api/ws/build/abc?after=3&token=s3cr.et-tok_en").build());

    assertThat(request.getURI().toString())
        .doesNotContain("s3cr")
        .endsWith("/api/ws/build/abc?after=3");
    assertThat(request.getQueryParams().getFirst("after")).isEqualTo("3");
    assertThat(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
        .isEqualTo("Bearer s3cr.et-tok_en");
  }

  @Test
  void anAuthorizationHeaderWinsAndOtherPathsAreLeftAlone() {
    ServerHttpRequest withHeader =
        WebSocketTokens.relocate(
            MockServerHttpRequest.get("/api/ws/build/abc?token=query")
                .header(HttpHeaders.AUTHORIZATION, "Bearer header")
                .build());
    assertThat(withHeader.getURI().getRawQuery()).isNull();
    assertThat(withHeader.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
        .isEqualTo("Bearer header");

    ServerHttpRequest other =
        WebSocketTokens.relocate(MockServerHttpRequest.get("/v1/auth/reset?token=abc").build());
    assertThat(other.getURI().getRawQuery()).isEqualTo("token=abc");
    assertThat(other.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)).isFalse();
  }

  @Test
  void theAccessLogMasksEveryTokenParameter() {
    assertThat(TokenMaskingAccessLog.mask("/api/ws/build/x?token=abc.def&after=2"))
        .isEqualTo("/api/ws/build/x?token=***&after=2");
    assertThat(TokenMaskingAccessLog.mask("/api/ws/build/x?after=2&TOKEN=abc"))
        .isEqualTo("/api/ws/build/x?after=2&TOKEN=***");
    assertThat(TokenMaskingAccessLog.mask("/api/build/x?mytoken=keep")).contains("keep");
    assertThat(TokenMaskingAccessLog.mask("/capsule/c/sign?private_key=s3cret&version_id=v"))
        .isEqualTo("/capsule/c/sign?private_key=***&version_id=v");
  }
}
