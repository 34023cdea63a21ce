package dev.shipyard.worker;

import dev.shipyard.storage.S3Settings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** What the worker's activities read from the environment (README: Configuration). */
@ConfigurationProperties("shipyard")
public record WorkerProperties(
    S3Settings storage, Codegen codegen, Webhooks webhooks, Analysis analysis) {

  /**
   * Code analyses.
   *
   * @param eslint the ESLint executable ({@code ANALYSIS_ESLINT}); empty: ESLint is named missing
   * @param path the PATH analyzers are found on and run with ({@code ANALYSIS_PATH}); empty: the
   *     worker's own
   */
  public record Analysis(String eslint, String path) {}

  /**
   * Capsule generation.
   *
   * @param engine the default engine: {@code offline} or {@code llm}
   * @param llm the OpenAI-compatible endpoint of the LLM engine (enabled when its base URL is set)
   */
  public record Codegen(String engine, Llm llm) {}

  public record Llm(
      String baseUrl,
      String model,
      String apiKey,
      Duration timeout,
      int maxRetries,
      double temperature) {

    public boolean configured() {
      return baseUrl != null && !baseUrl.isBlank();
    }

    @Override
    public String toString() {
      return "Llm[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=(hidden)]";
    }
  }

  /** The HMAC secret that signs outgoing webhooks. */
  public record Webhooks(String signingSecret) {
    @Override
    public String toString() {
      return "Webhooks[signingSecret=(hidden)]";
    }
  }
}
