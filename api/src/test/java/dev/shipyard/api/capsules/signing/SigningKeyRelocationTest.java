package dev.shipyard.api.capsules.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** The HMAC key of capsules-api.md §11 never stays in a URI that something could log. */
class SigningKeyRelocationTest {

  @Test
  void theQueryKeyOfASigningPathBecomesTheHeader() {
    ServerHttpRequest request =
        SigningKeyRelocation.relocate(
            MockServerHttpRequest.method(
                    HttpMethod.POST,
                    URI.create("/capsule/cap-1/sign?version_id=v&private_key=s3cr%2Bet%20k"))
                .build());

    assertThat(request.getURI().toString()).doesNotContain("s3cr").endsWith("/sign?version_id=v");
    assertThat(request.getQueryParams().getFirst("version_id")).isEqualTo("v");
    assertThat(request.getHeaders().get(SigningKeyRelocation.HEADER)).containsExactly("s3cr+et k");
  }

  @Test
  void aHeaderKeyStaysBesideTheQueryOneSoTheHandlerSeesBoth() {
    ServerHttpRequest request =
        SigningKeyRelocation.relocate(
            MockServerHttpRequest.post("/capsule/cap-1/verify?private_key=query")
                .header(SigningKeyRelocation.HEADER, "header")
                .build());

    assertThat(request.getURI().getRawQuery()).isNull();
    assertThat(request.getHeaders().get(SigningKeyRelocation.HEADER))
        .containsExactly("header", "query");
  }

  @Test
  void otherPathsLoseTheKeyWithoutGainingAHeader() {
    ServerHttpRequest request =
        SigningKeyRelocation.relocate(
            MockServerHttpRequest.get("/capsule/cap-1?private_key=oops&x=1").build());
    assertThat(request.getURI().getRawQuery()).isEqualTo("x=1");
    assertThat(request.getHeaders().containsKey(SigningKeyRelocation.HEADER)).isFalse();

    ServerHttpRequest untouched =
        SigningKeyRelocation.relocate(MockServerHttpRequest.get("/capsule/cap-1?x=1").build());
    assertThat(untouched.getURI().getRawQuery()).isEqualTo("x=1");
  }
}
