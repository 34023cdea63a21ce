package dev.shipyard.activities.codegen.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipyard.outbound.OutboundBreakers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat-completions exchange with an OpenAI-compatible server, with retries of transient
 * failures. Logs one line per call and per retry: operation, endpoint, status, timing, token
 * counts; never headers, prompts or answers.
 */
final class ChatClient {

  private static final Logger log = LoggerFactory.getLogger(ChatClient.class);

  /** The largest response body read; a chat completion far larger than any project we accept. */
  static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  private static final int MAX_SERVER_MESSAGE_CHARS = 300;

  record Message(String role, String content) {}

  /**
   * The model's answer: its text, why it stopped, how many HTTP calls it took, and the token counts
   * the server reported ("?" when it did not).
   */
  record Answer(
      String content, String finishReason, int calls, String promptTokens, String outputTokens) {

    boolean truncated() {
      return "length".equals(finishReason);
    }
  }

  private final LlmSettings settings;
  private final LlmRetryPolicy retryPolicy;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Redactor redactor;
  private final URI endpoint;
  private final String where;
  private final OutboundBreakers.Dependency<Exchange> breaker;

  ChatClient(
      LlmSettings settings,
      LlmRetryPolicy retryPolicy,
      Sleeper sleeper,
      OutboundBreakers breakers) {
    this.settings = settings;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.random = () -> ThreadLocalRandom.current().nextDouble();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            // A redirect would resend the Authorization header to wherever it points.
            .followRedirects(HttpClient.Redirect.NEVER)
            // HTTP/1.1: plain-http servers (Ollama, vLLM, llama.cpp) need no h2c upgrade dance.
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.redactor = new Redactor(settings.apiKey());
    this.endpoint = settings.chatCompletionsUri();
    this.where = LlmSettings.display(endpoint);
    // Outages: no answer (network, timeout), 5xx, 429. A 4xx is an answer (a bad key, a bad
    // request) and an oversized body the model's, not the endpoint's failure.
    this.breaker =
        breakers.dependency(
            "llm:" + endpoint.getHost(),
            e ->
                (e instanceof IOException && !(e instanceof TooLarge))
                    || e instanceof TimeoutException,
            exchange -> exchange.status() >= 500 || exchange.status() == 429);
  }

  ObjectMapper json() {
    return json;
  }

  Redactor redactor() {
    return redactor;
  }

  /**
   * Sends the messages and returns the first choice's text.
   *
   * @param operation for logs and messages: plan, generate, refine
   * @param responseFormat the {@code response_format} object, or null for none. A server that
   *     rejects it with a 400 naming response_format or json_schema is asked once more without it
   *     (the prompt asks for JSON anyway).
   * @throws LlmException when the call fails for good or after the retries
   */
  Answer complete(String operation, List<Message> messages, ObjectNode responseFormat) {
    ObjectNode format = responseFormat;
    int calls = 0;
    int retries = 0;
    long started = System.nanoTime();
    while (true) {
      calls++;
      Failure failure;
      try {
        Exchange exchange = send(body(messages, format));
        int status = exchange.status();
        if (status >= 200 && status < 300) {
          Answer answer = parse(operation, exchange.body(), calls);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          log.info(
              "LLM {}: model {} at {} answered in {} ms after {} call(s) (finish_reason {}, tokens"
                  + " in/out {}/{})",
              operation,
              settings.model(),
              where,
              ms,
              calls,
              answer.finishReason(),
              answer.promptTokens(),
              answer.outputTokens());
          return answer;
        }
        String serverMessage = serverMessage(exchange.body());
        if (status == 400 && format != null && mentionsResponseFormat(serverMessage)) {
          log.warn(
              "LLM {}: {} rejected response_format ({}); asking again without structured output",
              operation,
              where,
              serverMessage);
          format = null;
          continue;
        }
        failure = httpFailure(status, serverMessage, exchange);
      } catch (HttpConnectTimeoutException e) {
        failure = networkFailure("could not connect within " + settings.connectTimeout(), e);
      } catch (ConnectException e) {
        failure = networkFailure("could not connect (" + describe(e) + ")", e);
      } catch (HttpTimeoutException | TimeoutException e) {
        failure = networkFailure("no complete answer within " + settings.timeout(), e);
      } catch (TooLarge e) {
        throw new LlmException(
            LlmException.Kind.INVALID_OUTPUT,
            prefix(operation)
                + " failed: the answer is larger than "
                + MAX_RESPONSE_BYTES
                + " bytes",
            0,
            calls);
      } catch (IOException e) {
        failure = networkFailure("connection failed (" + describe(e) + ")", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException(
            LlmException.Kind.INTERRUPTED,
            prefix(operation) + " was interrupted after " + calls + " attempt(s)",
            0,
            calls);
      }

      if (!failure.kind().retryable() || retries >= settings.maxRetries()) {
        throw failure.toException(prefix(operation), calls);
      }
      retries++;
      Duration delay = retryPolicy.delay(retries, failure.serverDelay(), random);
      log.warn(
          "LLM {}: attempt {} of {} to {} failed: {}; retrying in {} ms",
          operation,
          calls,
          settings.maxRetries() + 1,
          where,
          failure.summary(),
          delay.toMillis());
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException(
            LlmException.Kind.INTERRUPTED,
            prefix(operation)
                + " was interrupted while waiting to retry after: "
                + failure.summary(),
            failure.status(),
            calls);
      }
    }
  }

  private String prefix(String operation) {
    return "LLM " + operation + " request to " + where;
  }

  private byte[] body(List<Message> messages, ObjectNode responseFormat) {
    ObjectNode body = json.createObjectNode();
    body.put("model", settings.model());
    ArrayNode list = body.putArray("messages");
    for (Message m : messages) {
      list.addObject().put("role", m.role()).put("content", m.content());
    }
    body.put("temperature", settings.temperature());
    body.put("stream", false);
    if (responseFormat != null) {
      body.set("response_format", responseFormat);
    }
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the LLM request", e);
    }
  }

  private record Exchange(int status, byte[] body, HttpResponse<byte[]> response) {

    Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }
  }

  /**
   * One request through the endpoint's breaker ({@link OutboundBreakers}): while the endpoint is
   * failing, an {@link dev.shipyard.outbound.OutboundUnavailableException} at once.
   */
  private Exchange send(byte[] body)
      throws IOException, InterruptedException, TimeoutException, TooLarge {
    try {
      return breaker.call(() -> sendOnce(body));
    } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(describe(e), e);
    }
  }

  private Exchange sendOnce(byte[] body)
      throws IOException, InterruptedException, TimeoutException, TooLarge {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (settings.hasApiKey()) {
      request.header("Authorization", "Bearer " + settings.apiKey());
    }
    CompletableFuture<HttpResponse<byte[]>> call =
        http.sendAsync(request.build(), info -> new LimitedBody(MAX_RESPONSE_BYTES));
    try {
      // The request timeout covers the wait for the headers only; this covers the body too.
      HttpResponse<byte[]> response =
          call.get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      return new Exchange(response.statusCode(), response.body(), response);
    } catch (TimeoutException | InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof TooLarge tooLarge) {
          throw tooLarge;
        }
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause() == null ? "failed" : describe(e.getCause()), e.getCause());
    }
  }

  private Answer parse(String operation, byte[] body, int calls) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    JsonNode message = root == null ? null : root.path("choices").path(0).path("message");
    if (message == null || !message.isObject()) {
      throw new LlmException(
          LlmException.Kind.INVALID_OUTPUT,
          prefix(operation)
              + " answered 2xx but not with a chat completion (no choices[0].message); is the base"
              + " URL the API root, such as https://api.openai.com/v1?",
          200,
          calls);
    }
    JsonNode refusal = message.get("refusal");
    if (refusal != null && refusal.isTextual() && !refusal.asText().isBlank()) {
      throw new LlmException(
          LlmException.Kind.REFUSED,
          prefix(operation) + ": the model refused: " + clip(redactor.apply(refusal.asText())),
          200,
          calls);
    }
    JsonNode content = message.get("content");
    String text = content == null || content.isNull() ? "" : content.asText();
    String finish = root.path("choices").path(0).path("finish_reason").asText(null);
    JsonNode usage = root.path("usage");
    return new Answer(
        text,
        finish,
        calls,
        usage.path("prompt_tokens").asText("?"),
        usage.path("completion_tokens").asText("?"));
  }

  /** The server's own explanation from an error body, redacted and clipped. */
  private String serverMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      JsonNode root = json.readTree(text);
      JsonNode error = root.get("error");
      JsonNode message =
          error == null
              ? firstNonNull(root.get("message"), root.get("detail"))
              : error.isObject() ? firstNonNull(error.get("message"), error.get("code")) : error;
      if (message != null && !message.isNull()) {
        text = message.isValueNode() ? message.asText() : message.toString();
      }
    } catch (IOException notJson) {
      // keep the text
    }
    return clip(redactor.apply(text.strip().replaceAll("\\s+", " ")));
  }

  private static JsonNode firstNonNull(JsonNode a, JsonNode b) {
    return a != null && !a.isNull() ? a : b;
  }

  private static boolean mentionsResponseFormat(String serverMessage) {
    String m = serverMessage.toLowerCase(Locale.ROOT);
    return m.contains("response_format") || m.contains("json_schema");
  }

  private Failure httpFailure(int status, String serverMessage, Exchange exchange) {
    LlmException.Kind kind;
    String hint = "";
    if (status == 429) {
      kind = LlmException.Kind.RATE_LIMITED;
    } else if (status == 408 || status >= 500) {
      kind = LlmException.Kind.SERVER_ERROR;
    } else if (status == 401 || status == 403) {
      kind = LlmException.Kind.AUTH;
      hint = " (check the API key and its access to model " + settings.model() + ")";
    } else if (status == 404) {
      kind = LlmException.Kind.NOT_FOUND;
      hint = " (check the base URL and the model name " + settings.model() + ")";
    } else if (status >= 300 && status < 400) {
      kind = LlmException.Kind.REJECTED;
      hint =
          " (redirect to "
              + exchange.header("Location").map(l -> redactor.apply(l)).orElse("?")
              + " not followed; set the base URL to the final address)";
    } else {
      kind = LlmException.Kind.REJECTED;
    }
    Optional<Duration> serverDelay =
        kind.retryable()
            ? LlmRetryPolicy.serverDelay(
                exchange.header("retry-after-ms"), exchange.header("Retry-After"), Instant.now())
            : Optional.empty();
    String summary =
        "HTTP " + status + hint + (serverMessage.isEmpty() ? "" : ": " + serverMessage);
    return new Failure(kind, status, summary, serverDelay, null);
  }

  private Failure networkFailure(String what, Throwable cause) {
    return new Failure(LlmException.Kind.NETWORK, 0, what, Optional.empty(), cause);
  }

  private String describe(Throwable t) {
    String message = t.getMessage();
    return redactor.apply(
        t.getClass().getSimpleName()
            + (message == null || message.isBlank() ? "" : ": " + message));
  }

  private static String clip(String s) {
    return s.length() <= MAX_SERVER_MESSAGE_CHARS
        ? s
        : s.substring(0, MAX_SERVER_MESSAGE_CHARS) + "...";
  }

  private record Failure(
      LlmException.Kind kind,
      int status,
      String summary,
      Optional<Duration> serverDelay,
      Throwable cause) {

    LlmException toException(String prefix, int calls) {
      String attempts = calls == 1 ? "1 attempt" : calls + " attempts";
      return new LlmException(
          kind,
          prefix
              + " failed after "
              + attempts
              + (kind.retryable() ? " (retryable)" : " (not retryable)")
              + ": "
              + summary,
          status,
          calls,
          cause);
    }
  }

  /** The body is larger than we read. */
  static final class TooLarge extends IOException {
    TooLarge(long limit) {
      super("response body over " + limit + " bytes");
    }
  }

  /** Collects the body up to a limit, then cancels. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final long limit;
    private Flow.Subscription subscription;

    LimitedBody(long limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (out.size() + (long) b.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge(limit));
          return;
        }
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.write(bytes, 0, bytes.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
