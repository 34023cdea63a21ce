package dev.shipyard.api.web;

import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ErrorResponses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Requests that never reach Spring: ones Netty cannot decode (a malformed request line, headers or
 * a request line over the limits) and request targets Spring cannot turn into a {@link URI} (such
 * as {@code %zz} or {@code <} in the path). Reactor Netty and Spring would answer those with an
 * empty 400, 414 or 431; this handler, placed right after the HTTP codec, answers them in the
 * family's error shape with an {@code X-Request-ID} and the security headers, then closes the
 * connection. A request whose line could not be read has no path, so it gets the shape of "any
 * other path" (the container engine's).
 */
@Component
class MalformedRequests implements NettyServerCustomizer {

  static final String HANDLER = "shipyard.malformedRequests";
  static final long LINGER_SECONDS = 2;

  private final ErrorResponses responses;

  MalformedRequests(ErrorResponses responses) {
    this.responses = responses;
  }

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnChannelInit(
        (observer, channel, remote) -> {
          ChannelPipeline pipeline = channel.pipeline();
          if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(HANDLER) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new Handler(responses));
          }
        });
  }

  /** The error for {@code request}, or null when Spring can take it from here. */
  static ApiError errorOf(HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      if (cause instanceof TooLongHttpLineException) {
        return ApiError.of(HttpStatus.URI_TOO_LONG, "URI_TOO_LONG", "The request line is too long");
      }
      if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
        return ApiError.of(
            HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
            "The request headers are too large");
      }
      return ApiError.of(
          HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", "The request is not valid HTTP/1.1");
    }
    try {
      // As Spring builds the request's URI (ReactorUriHelper): scheme and authority, then the
      // request target as sent.
      new URI("http://localhost" + pathAndQuery(request.uri()));
      return null;
    } catch (URISyntaxException e) {
      return ApiError.of(
          HttpStatus.BAD_REQUEST,
          "MALFORMED_URI",
          "The request URI is not valid (characters that must be percent-encoded, or a bad"
              + " percent-encoding)");
    }
  }

  /** The path and query of a request target, also in absolute form ({@code http://h/p}). */
  static String pathAndQuery(String target) {
    int scheme = target.indexOf("://");
    if (!target.startsWith("/") && scheme > 0) {
      int slash = target.indexOf('/', scheme + 3);
      return slash < 0 ? "/" : target.substring(slash);
    }
    return target;
  }

  /** The path of a request target, for the family of the error shape. */
  static String pathOf(String target) {
    String p = pathAndQuery(target);
    int end = p.length();
    for (char c : new char[] {'?', '#'}) {
      int i = p.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return p.substring(0, end);
  }

  private static final class Handler extends ChannelInboundHandlerAdapter {
    private final ErrorResponses responses;
    private boolean refused;

    Handler(ErrorResponses responses) {
      this.responses = responses;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (refused) {
        // The rest of a refused request (its body), until the connection closes.
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpRequest request) {
        ApiError error = errorOf(request);
        if (error != null) {
          refused = true;
          boolean decoded = request.decoderResult().isSuccess();
          String path = decoded ? pathOf(request.uri()) : "/";
          String offered = decoded ? request.headers().get(RequestIds.HEADER) : null;
          String requestId =
              offered != null && RequestIds.SAFE.matcher(offered).matches()
                  ? offered
                  : RequestIds.newId();
          ReferenceCountUtil.release(msg);
          // Lingering close: half-close after the response and drop what the client still sends,
          // so an unread rest of its request cannot turn our close into a reset that destroys the
          // response before the client reads it; the connection closes when the client closes it,
          // or after LINGER.
          ctx.writeAndFlush(response(path, error, requestId))
              .addListener(
                  (ChannelFutureListener)
                      f -> {
                        if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                          duplex.shutdownOutput();
                          ctx.executor()
                              .schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
                        } else {
                          ctx.close();
                        }
                      });
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    private FullHttpResponse response(String path, ApiError error, String requestId) {
      byte[] body = responses.render(path, error, requestId);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(error.status().value()),
              Unpooled.wrappedBuffer(body));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      response.headers().set(RequestIds.HEADER, requestId);
      SecurityHeadersFilter.apply(path, (name, value) -> response.headers().set(name, value));
      return response;
    }
  }
}
