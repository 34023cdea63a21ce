package dev.shipyard.standalone.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A real WebSocket client (the JDK's) that collects the JSON messages a server sends. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final BlockingQueue<Map<String, Object>> messages = new LinkedBlockingQueue<>();
  public final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  /** Connects to {@code url} offering {@code subprotocols} (none when empty). */
  public static WsClient connect(String url, String... subprotocols) {
    return connect(url, Map.of(), subprotocols);
  }

  /** Connects to {@code url} with {@code headers} on the upgrade request. */
  public static WsClient connect(String url, Map<String, String> headers, String... subprotocols) {
    WsClient client = new WsClient();
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    for (Map.Entry<String, String> header : headers.entrySet()) {
      builder = builder.header(header.getKey(), header.getValue());
    }
    if (subprotocols.length > 0) {
      builder =
          builder.subprotocols(
              subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    try {
      client.socket = builder.buildAsync(URI.create(url), client).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
    return client;
  }

  /** The HTTP status with which the server refused the handshake to {@code url}. */
  public static int refusal(String url, String... subprotocols) {
    return refusal(url, Map.of(), subprotocols);
  }

  /** The HTTP status with which the server refused the handshake with {@code headers}. */
  public static int refusal(String url, Map<String, String> headers, String... subprotocols) {
    try {
      connect(url, headers, subprotocols).close();
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
    throw new AssertionError("the handshake to " + url + " was accepted");
  }

  public String subprotocol() {
    return socket.getSubprotocol();
  }

  /** The next message, waiting at most {@code within}. */
  public Map<String, Object> next(Duration within) {
    try {
      Map<String, Object> m = messages.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      if (m == null) {
        throw new AssertionError("no message within " + within);
      }
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a text message. */
  public void send(String text) {
    socket.sendText(text, true).join();
  }

  /** Every message up to and including the first of type completion or error. */
  public List<Map<String, Object>> untilEnd(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    List<Map<String, Object>> got = new ArrayList<>();
    while (true) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      Map<String, Object> m = next(left);
      got.add(m);
      if ("completion".equals(m.get("type")) || "error".equals(m.get("type"))) {
        return got;
      }
    }
  }

  /** The close code the server sent, waiting at most {@code within}. */
  public int closeCode(Duration within) {
    try {
      return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("not closed within " + within, e);
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        messages.add(JSON.readValue(partial.toString(), MAP));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      partial.setLength(0);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    if (socket != null) {
      socket.abort();
    }
  }
}
