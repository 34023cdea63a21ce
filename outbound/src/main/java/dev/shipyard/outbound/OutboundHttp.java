package dev.shipyard.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * POSTs to user-controlled URLs through the {@link OutboundGuard}: the host is resolved and checked
 * once, and the socket connects to that very address (TLS still verifies the certificate against
 * the host name, with SNI). Plain HTTP/1.1, one request per connection ({@code Connection: close}),
 * no {@code Upgrade: h2c}; redirects are not followed (a 3xx is returned like any status).
 *
 * <p>Why not {@link java.net.http.HttpClient}: it resolves the host itself when it connects, and
 * JDK 17 has no hook to pin the address it checked, so a DNS answer could change between the check
 * and the connection. A socket we open ourselves connects exactly where the guard looked.
 */
public final class OutboundHttp {

  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADER_LINES = 200;

  private final OutboundGuard guard;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final SSLSocketFactory tls;

  /**
   * @param connectTimeout longest TCP (and TLS) connection set-up
   * @param timeout longest whole exchange, connection included
   */
  public OutboundHttp(OutboundGuard guard, Duration connectTimeout, Duration timeout) {
    this(guard, connectTimeout, timeout, (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /** With the TLS socket factory of {@code tls} (tests: a trust store of their own). */
  public OutboundHttp(
      OutboundGuard guard, Duration connectTimeout, Duration timeout, SSLSocketFactory tls) {
    this.guard = guard;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
    this.tls = tls;
  }

  public OutboundGuard guard() {
    return guard;
  }

  /**
   * POSTs {@code body} to {@code url} with {@code headers} ({@code Host}, {@code Content-Length}
   * and {@code Connection} are set here) and returns the response status; the response body is not
   * read.
   *
   * @throws OutboundRefusedException when the guard refuses the URL or an address of its host:
   *     nothing was sent
   * @throws IOException on a transport failure or timeout
   */
  public int post(URI url, Map<String, String> headers, byte[] body) throws IOException {
    InetSocketAddress target = guard.resolve(url);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    try (Socket socket = open(target, url.getHost(), https)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(url, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return status(socket, deadline);
    }
  }

  /**
   * {@link #exchange(String, URI, Map, long, Body, int)} with {@code content} as the body (null:
   * none): REST calls whose JSON body is small and whose answer is read (the GitHub API's).
   */
  public Response exchange(
      String method, URI url, Map<String, String> headers, byte[] content, int maxBody)
      throws IOException {
    return content == null
        ? exchange(method, url, headers, -1, null, maxBody)
        : exchange(method, url, headers, content.length, out -> out.write(content), maxBody);
  }

  /**
   * A response read by {@link #get}: the final status, the headers (names in lower case, values in
   * order) and at most {@code maxBody} bytes of the body.
   */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    /** The first value of header {@code name}, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /**
   * Sends {@code method} (GET or HEAD) to {@code url} with {@code headers} through the guard, as
   * {@link #post} does, and reads the response: status, headers and at most {@code maxBody} bytes
   * of the body (by {@code Content-Length}, chunked, or up to the connection's close). Redirects
   * are not followed.
   *
   * @throws OutboundRefusedException when the guard refuses the URL or an address of its host:
   *     nothing was sent
   * @throws IOException on a transport failure or timeout
   */
  public Response get(String method, URI url, Map<String, String> headers, int maxBody)
      throws IOException {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new IllegalArgumentException("GET or HEAD, not " + method);
    }
    return exchange(method, url, headers, -1, null, maxBody);
  }

  /** A request body of a known length, written to the connection by {@link #exchange}. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Sends {@code method} to {@code url} through the guard, as {@link #post} does, with {@code
   * length} bytes of {@code body} ({@code length} < 0: no body, no {@code Content-Length}), and
   * reads the response as {@link #get} does (a delivery provider's SDK requests: {@code PUT} of a
   * block, {@code HEAD} of a blob).
   *
   * @throws OutboundRefusedException when the guard refuses the URL or an address of its host:
   *     nothing was sent
   * @throws IOException on a transport failure or timeout, or when {@code body} writes other than
   *     {@code length} bytes
   */
  public Response exchange(
      String method, URI url, Map<String, String> headers, long length, Body body, int maxBody)
      throws IOException {
    if (!method.matches("[A-Z]+")) {
      throw new IllegalArgumentException("invalid method " + method);
    }
    InetSocketAddress target = guard.resolve(url);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    try (Socket socket = open(target, url.getHost(), https)) {
      OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 65536);
      out.write(head(method, url, headers, length).getBytes(StandardCharsets.ISO_8859_1));
      if (length > 0) {
        CountingOutputStream counted = new CountingOutputStream(out);
        body.writeTo(counted);
        if (counted.count != length) {
          throw new IOException(
              "the request body had " + counted.count + " bytes, not the " + length + " announced");
        }
      }
      out.flush();
      InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      int code = status(socket, in, deadline);
      Map<String, List<String>> fields = new java.util.LinkedHashMap<>();
      for (int i = 0; ; i++) {
        String field = line(socket, in, deadline);
        if (field.isEmpty()) {
          break;
        }
        if (i > MAX_HEADER_LINES) {
          throw new IOException("too many header lines");
        }
        int colon = field.indexOf(':');
        if (colon > 0) {
          fields
              .computeIfAbsent(
                  field.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                  k -> new java.util.ArrayList<>())
              .add(field.substring(colon + 1).trim());
        }
      }
      Response head = new Response(code, fields, new byte[0]);
      if (method.equals("HEAD") || code == 204 || code == 304) {
        return head;
      }
      byte[] bytes;
      String encoding = head.header("transfer-encoding");
      if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
        bytes = chunked(socket, in, deadline, maxBody);
      } else if (head.header("content-length") != null) {
        long contentLength;
        try {
          contentLength = Long.parseLong(head.header("content-length"));
        } catch (NumberFormatException e) {
          throw new IOException("invalid Content-Length");
        }
        bytes = bytes(socket, in, deadline, (int) Math.min(contentLength, maxBody));
      } else {
        bytes = bytes(socket, in, deadline, maxBody);
      }
      return new Response(code, fields, bytes);
    }
  }

  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() {
      // the connection is closed by exchange, not by a body writer
    }
  }

  /** Up to {@code max} bytes, fewer when the connection closes first. */
  private static byte[] bytes(Socket socket, InputStream in, long deadline, int max)
      throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    while (buf.size() < max) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("no response in time");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      int n = in.read(chunk, 0, Math.min(chunk.length, max - buf.size()));
      if (n < 0) {
        break;
      }
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }

  /** A chunked body, decoded, up to {@code max} bytes. */
  private static byte[] chunked(Socket socket, InputStream in, long deadline, int max)
      throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (buf.size() < max) {
      String size = line(socket, in, deadline);
      int semi = size.indexOf(';');
      int n;
      try {
        n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("invalid chunk size");
      }
      if (n == 0) {
        break;
      }
      byte[] part = bytes(socket, in, deadline, Math.min(n, max - buf.size()));
      buf.write(part);
      if (part.length < n) {
        break; // the limit, or a connection closed early
      }
      line(socket, in, deadline); // the CRLF after the chunk
    }
    return buf.toByteArray();
  }

  private Socket open(InetSocketAddress target, String host, boolean https) throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(target, (int) Math.max(1, connectTimeout.toMillis()));
      plain.setSoTimeout((int) Math.max(1, connectTimeout.toMillis()));
      if (!https) {
        return plain;
      }
      String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      SSLSocket socket = (SSLSocket) tls.createSocket(plain, name, target.getPort(), true);
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (Literals.address(name) == null) {
        params.setServerNames(List.of(new SNIHostName(name)));
      }
      params.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(params);
      socket.startHandshake();
      return socket;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  private static String head(URI url, Map<String, String> headers, int length) {
    return head("POST", url, headers, length);
  }

  /** The request head; {@code length} < 0: no body, no {@code Content-Length}. */
  private static String head(String method, URI url, Map<String, String> headers, long length) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    int port = url.getPort();
    String host = url.getHost() + (port < 0 ? "" : ":" + port);
    StringBuilder b = new StringBuilder();
    b.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    b.append("Host: ").append(host).append("\r\n");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("host") || lower.equals("content-length") || lower.equals("connection")) {
        continue;
      }
      if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")
          || h.getValue().matches("(?s).*[\r\n\0].*")) {
        throw new IllegalArgumentException("invalid header " + name);
      }
      b.append(name).append(": ").append(h.getValue()).append("\r\n");
    }
    if (length >= 0) {
      b.append("Content-Length: ").append(length).append("\r\n");
    }
    b.append("Connection: close\r\n\r\n");
    return b.toString();
  }

  /** Reads status lines until a final (non-1xx) one. */
  private static int status(Socket socket, long deadline) throws IOException {
    return status(socket, new java.io.BufferedInputStream(socket.getInputStream()), deadline);
  }

  private static int status(Socket socket, InputStream in, long deadline) throws IOException {
    while (true) {
      String line = line(socket, in, deadline);
      String[] parts = line.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.x response");
      }
      int code;
      try {
        code = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP/1.x response");
      }
      if (code >= 200 || code < 100) {
        return code;
      }
      // 1xx: skip its headers, then read the next status line.
      for (int i = 0; !line(socket, in, deadline).isEmpty(); i++) {
        if (i > MAX_HEADER_LINES) {
          throw new IOException("too many header lines");
        }
      }
    }
  }

  private static String line(Socket socket, InputStream in, long deadline) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("no response in time");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed before a response");
      }
      if (c == '\n') {
        byte[] bytes = buf.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (buf.size() >= MAX_LINE) {
        throw new IOException("response line too long");
      }
      buf.write(c);
    }
  }
}
