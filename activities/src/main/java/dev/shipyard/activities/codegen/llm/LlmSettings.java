package dev.shipyard.activities.codegen.llm;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Where and how the LLM engine calls an OpenAI-compatible chat-completions endpoint.
 *
 * @param baseUrl the API root, such as {@code https://api.openai.com/v1} or {@code
 *     http://localhost:11434/v1} (Ollama); the engine posts to {@code {baseUrl}/chat/completions}
 * @param model the model name the server knows, such as {@code gpt-4o-mini} or {@code
 *     qwen2.5-coder}
 * @param apiKey sent as {@code Authorization: Bearer <key>}; null or blank sends no header (local
 *     servers). Never printed: {@link #toString()} hides it
 * @param timeout the longest one HTTP exchange may take, answer included (null: 3 minutes); the
 *     connection itself must be made within the shorter of this and 15 seconds
 * @param maxRetries how many times a transient failure (429, 408, 5xx, network, timeout) is retried
 *     before giving up, 0 to 10
 * @param temperature sampling temperature, 0 to 2
 */
public record LlmSettings(
    URI baseUrl,
    String model,
    String apiKey,
    Duration timeout,
    int maxRetries,
    double temperature) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final double DEFAULT_TEMPERATURE = 0.2;
  static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(15);

  public LlmSettings {
    if (baseUrl == null
        || !baseUrl.isAbsolute()
        || baseUrl.getHost() == null
        || !("http".equals(lower(baseUrl.getScheme()))
            || "https".equals(lower(baseUrl.getScheme())))) {
      throw new IllegalArgumentException(
          "The LLM base URL must be an absolute http(s) URL such as https://api.openai.com/v1, not "
              + display(baseUrl));
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("The LLM model name is required");
    }
    model = model.strip();
    apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    if (timeout == null) {
      timeout = DEFAULT_TIMEOUT;
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("The LLM timeout must be positive, not " + timeout);
    }
    if (maxRetries < 0 || maxRetries > 10) {
      throw new IllegalArgumentException("LLM max retries must be 0 to 10, not " + maxRetries);
    }
    if (!(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("LLM temperature must be 0 to 2, not " + temperature);
    }
  }

  /** Settings with the default timeout, retries and temperature. */
  public static LlmSettings of(URI baseUrl, String model, String apiKey) {
    return new LlmSettings(
        baseUrl, model, apiKey, DEFAULT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_TEMPERATURE);
  }

  public boolean hasApiKey() {
    return apiKey != null;
  }

  /** {@code {baseUrl}/chat/completions}, keeping the base URL's query if it has one. */
  public URI chatCompletionsUri() {
    String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String query = baseUrl.getRawQuery() == null ? "" : "?" + baseUrl.getRawQuery();
    String authority = baseUrl.getRawAuthority();
    return URI.create(baseUrl.getScheme() + "://" + authority + path + "/chat/completions" + query);
  }

  Duration connectTimeout() {
    return timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
  }

  @Override
  public String toString() {
    return "LlmSettings[baseUrl="
        + display(baseUrl)
        + ", model="
        + model
        + ", apiKey="
        + (apiKey == null ? "none" : "****")
        + ", timeout="
        + timeout
        + ", maxRetries="
        + maxRetries
        + ", temperature="
        + temperature
        + "]";
  }

  /** A URL fit for logs and messages: scheme, host, port and path; no user info, no query. */
  static String display(URI uri) {
    if (uri == null) {
      return "null";
    }
    if (uri.getHost() == null) {
      return "(not a URL with a host)";
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost();
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
