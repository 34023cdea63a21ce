package dev.shipyard.activities.codegen.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LlmSettingsTest {

  private static final String KEY = "sk-proj-SuperSecret1234567890";

  @Test
  void toStringHidesTheKeyAndUserInfo() {
    LlmSettings settings =
        new LlmSettings(
            URI.create("https://user:pass@api.example.com/v1?token=abc"),
            "gpt-4o-mini",
            KEY,
            Duration.ofSeconds(30),
            2,
            0.1);

    String shown = settings.toString();

    assertThat(shown)
        .doesNotContain(KEY)
        .doesNotContain("SuperSecret")
        .doesNotContain("pass")
        .doesNotContain("token=abc")
        .contains("apiKey=****")
        .contains("https://api.example.com/v1")
        .contains("model=gpt-4o-mini")
        .contains("maxRetries=2");
    assertThat(LlmSettings.of(URI.create("http://localhost:11434/v1"), "llama3", " ").toString())
        .contains("apiKey=none");
  }

  @Test
  void chatCompletionsUriAppendsToTheBaseUrl() {
    assertThat(settings("https://api.openai.com/v1").chatCompletionsUri())
        .isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
    assertThat(settings("http://localhost:11434/v1/").chatCompletionsUri())
        .isEqualTo(URI.create("http://localhost:11434/v1/chat/completions"));
    assertThat(settings("http://proxy:8080/openai/v1?api-version=2").chatCompletionsUri())
        .isEqualTo(URI.create("http://proxy:8080/openai/v1/chat/completions?api-version=2"));
  }

  @Test
  void defaultsAndBlankKey() {
    LlmSettings s =
        new LlmSettings(URI.create("http://localhost:11434/v1"), " llama3 ", "  ", null, 0, 0);
    assertThat(s.timeout()).isEqualTo(LlmSettings.DEFAULT_TIMEOUT);
    assertThat(s.apiKey()).isNull();
    assertThat(s.hasApiKey()).isFalse();
    assertThat(s.model()).isEqualTo("llama3");
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void rejectsBadValuesWithoutEchoingSecrets() {
    URI ok = URI.create("https://api.openai.com/v1");
    assertThatThrownBy(() -> settings("ftp://user:" + KEY + "@host/v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s)")
        .hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> settings("/v1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LlmSettings(ok, " ", KEY, null, 1, 0.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model")
        .hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> new LlmSettings(ok, "m", KEY, Duration.ZERO, 1, 0.2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LlmSettings(ok, "m", KEY, null, -1, 0.2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LlmSettings(ok, "m", KEY, null, 1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static LlmSettings settings(String url) {
    return LlmSettings.of(URI.create(url), "m", KEY);
  }
}
