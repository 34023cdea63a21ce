package dev.shipyard.api.web;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.logging.AccessLog;

/**
 * The WebSockets take a token in the query string ({@code ?token=}), and capsule signing may take
 * an HMAC key there ({@code ?private_key=}, capsules-api.md §11); Reactor Netty's access log (off
 * unless {@code -Dreactor.netty.http.server.accessLogEnabled=true}) would print it with the URI.
 * When it is on, this writes the same line as the default format with the value of every {@code
 * token} and {@code private_key} parameter replaced by {@code ***}. No other log line of the API
 * prints a query string.
 */
@Component
class TokenMaskingAccessLog implements NettyServerCustomizer {

  static final String ENABLED = "reactor.netty.http.server.accessLogEnabled";

  private static final Pattern TOKEN =
      Pattern.compile("([?&](?:token|private_key)=)[^&#]*", Pattern.CASE_INSENSITIVE);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);
  private static final String FORMAT = "{} - {} [{}] \"{} {} {}\" {} {} {} ms";

  @Override
  public HttpServer apply(HttpServer server) {
    if (!Boolean.getBoolean(ENABLED)) {
      return server;
    }
    return server.accessLog(
        true,
        args ->
            AccessLog.create(
                FORMAT,
                args.remoteAddress() instanceof java.net.InetSocketAddress a
                    ? a.getHostString()
                    : "-",
                args.user() == null ? "-" : args.user(),
                args.accessDateTime() == null ? "-" : args.accessDateTime().format(DATE),
                args.method(),
                mask(args.uri() == null ? null : args.uri().toString()),
                args.protocol(),
                args.status(),
                args.contentLength() < 0 ? "-" : args.contentLength(),
                args.duration()));
  }

  /**
   * {@code uri} with the value of every {@code token} and {@code private_key} query parameter
   * replaced by {@code ***}.
   */
  static String mask(String uri) {
    return uri == null ? "-" : TOKEN.matcher(uri).replaceAll("$1***");
  }
}
