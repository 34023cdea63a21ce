package dev.shipyard.standalone.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on 127.0.0.1 that records each request exactly as it arrives on the socket
 * (request line, headers, body) and answers 204, or the status a test sets ({@link #answer}). The
 * shared test platform allows exactly this receiver's address and port as an outbound destination
 * ({@code OUTBOUND_ALLOWED}); tests take it as a parameter.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One received request. Header names are lower case. */
  public record Request(String requestLine, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final ServerSocket server;
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile int status = 204;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus;

  public WebhookReceiver() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread accept = new Thread(this::serve, "webhook-receiver-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /**
   * Answers {@code status} from now on (204 with no body; any other status with a short text body
   * naming it).
   */
  public void answer(int status) {
    this.status = status;
  }

  /** Answers {@code status} to the next {@code count} requests, then as before. */
  public void failNext(int count, int status) {
    this.failureStatus = status;
    this.failuresLeft.set(count);
  }

  /** Connections accepted so far (a refused URL must leave this unchanged). */
  public int connections() {
    return connections.get();
  }

  /** The next request, or null after {@code timeout}. */
  public Request poll(Duration timeout) throws InterruptedException {
    return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        connections.incrementAndGet();
        requests.add(read(socket.getInputStream()));
        int answer =
            failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? failureStatus : status;
        String response =
            answer == 204
                ? "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                : "HTTP/1.1 "
                    + answer
                    + " Test\r\nContent-Type: text/plain\r\nContent-Length: "
                    + ("answered " + answer).length()
                    + "\r\nConnection: close\r\n\r\nanswered "
                    + answer;
        socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // closed, or a client that went away
      }
    }
  }

  private static Request read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.write(c);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new Request(
        lines[0], headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
