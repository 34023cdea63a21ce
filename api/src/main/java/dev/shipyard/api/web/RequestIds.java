package dev.shipyard.api.web;

import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.server.ServerWebExchange;

/** The request ID of an exchange: the caller's {@code X-Request-ID} when sane, else a new UUID. */
public final class RequestIds {

  public static final String HEADER = "X-Request-ID";
  static final String ATTRIBUTE = RequestIds.class.getName();
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  /** The request ID assigned to {@code exchange} by {@link RequestIdFilter}. */
  public static String of(ServerWebExchange exchange) {
    Object id = exchange.getAttribute(ATTRIBUTE);
    return id == null ? assign(exchange) : id.toString();
  }

  static String assign(ServerWebExchange exchange) {
    String offered = exchange.getRequest().getHeaders().getFirst(HEADER);
    String id =
        offered != null && SAFE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    exchange.getAttributes().put(ATTRIBUTE, id);
    return id;
  }
}
