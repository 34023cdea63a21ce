package dev.shipyard.activities.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.outbound.OutboundRefusedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a webhook receiver sees, byte for byte, from a raw socket. */
class WebhookSenderTest {

  private static final String SECRET = "webhook-test-secret-0123456789";

  private ServerSocket server;
  private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger connections = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread accept =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  connections.incrementAndGet();
                  requests.add(read(s.getInputStream()));
                  s.getOutputStream()
                      .write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "webhook-receiver");
    accept.setDaemon(true);
    accept.start();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void postsPlainHttp11SignedWithoutAnH2cUpgrade() throws Exception {
    int port = server.getLocalPort();
    WebhookSender sender = new WebhookSender(SECRET, "127.0.0.1:" + port);
    int status =
        sender.send(
            URI.create("http://127.0.0.1:" + port + "/hook"),
            "capsule.created",
            "delivery-1",
            "{\"event\":\"capsule.created\"}");
    assertThat(status).isEqualTo(204);

    String request = requests.poll(10, TimeUnit.SECONDS);
    assertThat(request).as("request received").isNotNull();
    assertThat(request).startsWith("POST /hook HTTP/1.1\r\n");
    List<String> headers = List.of(request.substring(0, request.indexOf("\r\n\r\n")).split("\r\n"));
    assertThat(headers)
        .contains(
            "X-Shipyard-Event: capsule.created",
            "X-Shipyard-Delivery: delivery-1",
            "Content-Type: application/json")
        .anyMatch(h -> h.startsWith("X-Shipyard-Signature: t="));
    assertThat(headers)
        .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("upgrade:"))
        .noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("http2-settings:"))
        .noneMatch(h -> h.toLowerCase(Locale.ROOT).matches("connection:.*upgrade.*"));
    String signature =
        headers.stream()
            .filter(h -> h.startsWith("X-Shipyard-Signature: "))
            .findFirst()
            .orElseThrow()
            .substring("X-Shipyard-Signature: ".length());
    String t = signature.substring(2, signature.indexOf(','));
    assertThat(signature)
        .endsWith(
            ",v1="
                + WebhookSender.sign(
                    SECRET.getBytes(StandardCharsets.UTF_8),
                    t + ".{\"event\":\"capsule.created\"}"));
  }

  @Test
  void refusesForbiddenAddressesAndSendsNothing() {
    int port = server.getLocalPort();
    WebhookSender sender = new WebhookSender(SECRET);
    for (String url :
        List.of(
            "http://127.0.0.1:" + port + "/hook",
            "http://localhost:" + port + "/hook",
            "http://169.254.169.254/latest/meta-data")) {
      assertThatThrownBy(() -> sender.send(URI.create(url), "capsule.created", "d", "{}"))
          .as(url)
          .isInstanceOf(OutboundRefusedException.class);
    }
    assertThat(connections.get()).isZero();
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
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
