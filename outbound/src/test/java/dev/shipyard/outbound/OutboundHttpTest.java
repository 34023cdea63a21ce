package dev.shipyard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guarded client against a raw socket server that records every byte it receives. */
class OutboundHttpTest {

  private Receiver receiver;

  @BeforeEach
  void start() throws IOException {
    receiver = new Receiver("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  }

  @AfterEach
  void stop() throws IOException {
    receiver.close();
  }

  private OutboundHttp client(String allowed) {
    return new OutboundHttp(
        OutboundGuard.allowing(allowed), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void postsPlainHttp11WithoutAnUpgrade() throws Exception {
    int port = receiver.port();
    int status =
        client("127.0.0.1:" + port)
            .post(
                URI.create("http://127.0.0.1:" + port + "/hook?x=1"),
                Map.of("Content-Type", "application/json", "X-Shipyard-Event", "capsule.created"),
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(204);
    String request = receiver.awaitRequest();
    assertThat(request).startsWith("POST /hook?x=1 HTTP/1.1\r\n");
    assertThat(request)
        .contains("\r\nHost: 127.0.0.1:" + port + "\r\n")
        .contains("\r\nContent-Length: 7\r\n")
        .contains("\r\nConnection: close\r\n")
        .contains("\r\nX-Shipyard-Event: capsule.created\r\n")
        .endsWith("\r\n\r\n{\"a\":1}");
    assertThat(request.toLowerCase()).doesNotContain("upgrade").doesNotContain("http2-settings");
  }

  @Test
  void exchangeSendsItsBodyAndReadsTheAnswersBody() throws Exception {
    receiver.close();
    receiver =
        new Receiver(
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n7\r\n{\"id\":1\r\n1\r\n}\r\n0\r\n\r\n");
    int port = receiver.port();

    OutboundHttp.Response response =
        client("127.0.0.1:" + port)
            .exchange(
                "POST",
                URI.create("http://127.0.0.1:" + port + "/user/repos"),
                Map.of("Content-Type", "application/json"),
                "{\"name\":\"r\"}".getBytes(StandardCharsets.UTF_8),
                1024);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Content-Type")).isEqualTo("application/json");
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
    assertThat(receiver.awaitRequest())
        .startsWith("POST /user/repos HTTP/1.1\r\n")
        .contains("\r\nContent-Length: 12\r\n")
        .endsWith("\r\n\r\n{\"name\":\"r\"}");
    assertThatThrownBy(
            () ->
                client("")
                    .exchange(
                        "POST",
                        URI.create("http://127.0.0.1:" + port + "/"),
                        Map.of(),
                        new byte[0],
                        10))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @Test
  void loopbackIsRefusedUnlessAllowedAndNothingIsSent() throws Exception {
    int port = receiver.port();
    for (String url :
        List.of(
            "http://127.0.0.1:" + port + "/hook",
            "http://localhost:" + port + "/hook",
            "http://[::1]:" + port + "/hook")) {
      assertThatThrownBy(() -> client("").post(URI.create(url), Map.of(), new byte[] {1}))
          .as(url)
          .isInstanceOf(OutboundRefusedException.class);
    }
    // Allowed by address and port, a name resolving to it is allowed; another port is not.
    assertThatThrownBy(
            () ->
                client("127.0.0.1:" + (port == 65535 ? 1 : port + 1))
                    .post(URI.create("http://localhost:" + port + "/"), Map.of(), new byte[0]))
        .isInstanceOf(OutboundRefusedException.class);
    assertThat(receiver.connections()).isZero();
  }

  @Test
  void doesNotFollowRedirects() throws Exception {
    receiver.close();
    receiver =
        new Receiver(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://169.254.169.254/latest/"
                + "\r\nContent-Length: 0\r\n\r\n");
    int port = receiver.port();
    int status =
        client("127.0.0.1:" + port)
            .post(URI.create("http://127.0.0.1:" + port + "/"), Map.of(), new byte[0]);
    assertThat(status).isEqualTo(307);
    receiver.awaitRequest();
    assertThat(receiver.connections()).isEqualTo(1);
  }

  @Test
  void skipsInterimResponses() throws Exception {
    receiver.close();
    receiver = new Receiver("HTTP/1.1 100 Continue\r\nX-A: b\r\n\r\nHTTP/1.1 202 Accepted\r\n\r\n");
    int port = receiver.port();
    assertThat(
            client("127.0.0.1:" + port)
                .post(URI.create("http://127.0.0.1:" + port + "/"), Map.of(), new byte[0]))
        .isEqualTo(202);
  }

  @Test
  void aSilentServerTimesOut() throws Exception {
    receiver.close();
    receiver = new Receiver(null);
    int port = receiver.port();
    OutboundHttp client =
        new OutboundHttp(
            OutboundGuard.allowing("127.0.0.1:" + port),
            Duration.ofSeconds(5),
            Duration.ofMillis(300));
    assertThatThrownBy(
            () -> client.post(URI.create("http://127.0.0.1:" + port + "/"), Map.of(), new byte[0]))
        .isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void exchangeSendsItsBodyAndReadsTheAnswer() throws Exception {
    receiver.close();
    receiver =
        new Receiver("HTTP/1.1 201 Created\r\nETag: \"0x1\"\r\nContent-Length: 5\r\n\r\nhello");
    int port = receiver.port();
    OutboundHttp.Response response =
        client("127.0.0.1:" + port)
            .exchange(
                "PUT",
                URI.create("http://127.0.0.1:" + port + "/c/blob?comp=block"),
                Map.of("x-ms-version", "2025-01-05"),
                3,
                out -> out.write(new byte[] {'a', 'b', 'c'}),
                1024);
    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("ETag")).isEqualTo("\"0x1\"");
    assertThat(response.body()).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
    String request = receiver.awaitRequest();
    assertThat(request)
        .startsWith("PUT /c/blob?comp=block HTTP/1.1\r\n")
        .contains("\r\nContent-Length: 3\r\n")
        .contains("\r\nx-ms-version: 2025-01-05\r\n")
        .endsWith("\r\n\r\nabc");
  }

  @Test
  void exchangeRefusesARefusedAddressAndABodyOfAnotherLength() throws Exception {
    int port = receiver.port();
    assertThatThrownBy(
            () ->
                client("")
                    .exchange(
                        "PUT",
                        URI.create("http://localhost:" + port + "/"),
                        Map.of(),
                        1,
                        out -> out.write(1),
                        1024))
        .isInstanceOf(OutboundRefusedException.class);
    assertThat(receiver.connections()).isZero();
    URI url = URI.create("http://127.0.0.1:" + port + "/");
    assertThatThrownBy(
            () ->
                client("127.0.0.1:" + port)
                    .exchange("PUT", url, Map.of(), 5, out -> out.write(new byte[3]), 1024))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not the 5 announced");
  }

  @Test
  void headerInjectionIsRefused() {
    int port = receiver.port();
    assertThatThrownBy(
            () ->
                client("127.0.0.1:" + port)
                    .post(
                        URI.create("http://127.0.0.1:" + port + "/"),
                        Map.of("X-A", "b\r\nX-Injected: 1"),
                        new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Accepts connections on 127.0.0.1, records each request, answers {@code response}. */
  static final class Receiver implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger connections =
        new java.util.concurrent.atomic.AtomicInteger();
    private final Thread thread;

    Receiver(String response) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      thread =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    String request = read(s.getInputStream());
                    requests.add(request);
                    if (response == null) {
                      s.getInputStream().read(); // say nothing until the client gives up
                    } else {
                      s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                    }
                  } catch (IOException e) {
                    // closed
                  }
                }
              },
              "receiver");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    String awaitRequest() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (requests.isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        Thread.sleep(5);
      }
      assertThat(requests).as("a request arrived").isNotEmpty();
      return requests.get(0);
    }

    private static String read(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        head.write(c);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
