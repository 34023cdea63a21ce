package dev.shipyard.activities.delivery.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import dev.shipyard.outbound.OutboundHttp;
import dev.shipyard.outbound.OutboundRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Azure SDK's HTTP client for a user's storage account: every request goes through {@link
 * OutboundHttp#exchange}, so the endpoint's host is resolved and checked by the outbound guard for
 * each connection and the socket connects to the very address checked (TLS verifies the certificate
 * against the host name, with SNI).
 *
 * <p>Why not the SDK's JDK {@code HttpClient} ({@code azure-core-http-jdk-httpclient}): {@code
 * java.net.http.HttpClient} resolves the host itself when it connects and JDK 17 has no resolver
 * hook, so a DNS answer could change between a check and the connection; rewriting the URL to the
 * checked address instead breaks TLS (no SNI, the certificate checked against the IP) and needs the
 * JVM-wide {@code jdk.httpclient.allowRestrictedHeaders=host}. Requests here are small and few (one
 * {@code PUT} per staged block, one commit), so one HTTP/1.1 connection per request costs little.
 *
 * <p>A refused address fails the request with {@link Refused}, an unchecked exception the SDK's
 * retry policy does not retry (it retries I/O errors); transport failures are {@link
 * UncheckedIOException}s, which it does.
 */
final class GuardedHttpClient implements HttpClient {

  /** Largest response body read: the service's XML answers and error documents are far smaller. */
  static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

  private final OutboundHttp http;

  GuardedHttpClient(OutboundHttp http) {
    this.http = http;
  }

  /**
   * The guard refused the endpoint's address: nothing was sent. Without the {@code IOException} as
   * its cause, which the SDK's retry policy would take for a network error and retry.
   */
  static final class Refused extends RuntimeException {
    Refused(OutboundRefusedException refused) {
      super(refused.getMessage());
    }
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request) {
    return send(request, Context.NONE);
  }

  @Override
  public Mono<HttpResponse> send(HttpRequest request, Context context) {
    return Mono.fromCallable(() -> sendSync(request, context))
        .subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public HttpResponse sendSync(HttpRequest request, Context context) {
    URI url;
    try {
      url = request.getUrl().toURI();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid request URL", e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpHeader header : request.getHeaders()) {
      headers.put(header.getName(), header.getValue());
    }
    BinaryData body = request.getBodyAsBinaryData();
    long length;
    OutboundHttp.Body writer;
    if (body == null) {
      HttpMethod method = request.getHttpMethod();
      boolean sendsBody =
          method == HttpMethod.PUT || method == HttpMethod.POST || method == HttpMethod.PATCH;
      length = sendsBody ? 0 : -1;
      writer = null;
    } else {
      if (body.getLength() == null) {
        body = BinaryData.fromBytes(body.toBytes()); // the SDK's own bodies all have a length
      }
      length = body.getLength();
      BinaryData content = body;
      writer = content::writeTo;
    }
    try {
      OutboundHttp.Response response =
          http.exchange(
              request.getHttpMethod().name(), url, headers, length, writer, MAX_RESPONSE_BYTES);
      return new Response(request, response);
    } catch (OutboundRefusedException e) {
      throw new Refused(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A response read whole (status, headers, a bounded body). */
  private static final class Response extends HttpResponse {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;

    Response(HttpRequest request, OutboundHttp.Response response) {
      super(request);
      this.status = response.status();
      this.headers = new HttpHeaders();
      for (Map.Entry<String, List<String>> field : response.headers().entrySet()) {
        headers.set(field.getKey(), field.getValue());
      }
      this.body = response.body();
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    @Deprecated
    public String getHeaderValue(String name) {
      return headers.getValue(name);
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public Flux<ByteBuffer> getBody() {
      return body.length == 0 ? Flux.empty() : Flux.just(ByteBuffer.wrap(body).asReadOnlyBuffer());
    }

    @Override
    public BinaryData getBodyAsBinaryData() {
      return BinaryData.fromBytes(body);
    }

    @Override
    public Mono<byte[]> getBodyAsByteArray() {
      return body.length == 0 ? Mono.empty() : Mono.just(body.clone());
    }

    @Override
    public Mono<String> getBodyAsString() {
      return getBodyAsString(StandardCharsets.UTF_8);
    }

    @Override
    public Mono<String> getBodyAsString(Charset charset) {
      return body.length == 0 ? Mono.empty() : Mono.just(new String(body, charset));
    }
  }
}
