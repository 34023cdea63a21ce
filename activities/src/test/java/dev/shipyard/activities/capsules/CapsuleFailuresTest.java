package dev.shipyard.activities.capsules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.activities.codegen.UnsupportedRequestException;
import dev.shipyard.activities.codegen.llm.LlmException;
import dev.shipyard.workflows.capsules.GenerationFailure;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Failures are typed by name, and only the named hopeless cases skip Temporal's retries. */
class CapsuleFailuresTest {

  @Test
  void anUnsupportedRequestIsNotRetried() {
    ApplicationFailure failure =
        (ApplicationFailure)
            CapsuleFailures.map(new UnsupportedRequestException("Unsupported language 'cobol'"));
    assertThat(failure.getType()).isEqualTo(GenerationFailure.UNSUPPORTED_REQUEST.name());
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("Unsupported language 'cobol'");
  }

  @Test
  void otherIllegalArgumentsAndStatesStayRetryable() {
    for (Exception e :
        new Exception[] {
          new IllegalArgumentException("a bug, or a blob not there yet"),
          new IllegalStateException("Missing manifest manifests/sha256/x.json")
        }) {
      RuntimeException mapped = CapsuleFailures.map(e);
      boolean nonRetryable = mapped instanceof ApplicationFailure app && app.isNonRetryable();
      assertThat(nonRetryable).as(e.toString()).isFalse();
    }
  }

  /**
   * The LLM client retried 429/5xx/network failures itself: Temporal must not multiply them, so
   * every LLM failure is non-retryable, typed by what went wrong.
   */
  @ParameterizedTest
  @EnumSource(LlmException.Kind.class)
  void llmFailuresAreRetriedInTheHttpClientOnly(LlmException.Kind kind) {
    ApplicationFailure failure =
        (ApplicationFailure) CapsuleFailures.map(new LlmException(kind, "failed", 503, 4));
    assertThat(failure.isNonRetryable()).isTrue();
    GenerationFailure expected =
        switch (kind) {
          case RATE_LIMITED, SERVER_ERROR, NETWORK, INTERRUPTED ->
              GenerationFailure.ENGINE_RETRIES_EXHAUSTED;
          case REFUSED, INVALID_OUTPUT -> GenerationFailure.ENGINE_OUTPUT_INVALID;
          case AUTH, NOT_FOUND, REJECTED -> GenerationFailure.ENGINE_UNAVAILABLE;
        };
    assertThat(failure.getType()).isEqualTo(expected.name());
  }

  @ParameterizedTest
  @EnumSource(GenerationFailure.class)
  void typedFailuresFollowTheirEnum(GenerationFailure type) {
    ApplicationFailure failure = CapsuleFailures.of(type, "why");
    assertThat(failure.getType()).isEqualTo(type.name());
    assertThat(failure.isNonRetryable()).isEqualTo(!type.retryable());
  }
}
