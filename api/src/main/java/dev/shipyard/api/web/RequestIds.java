package dev.shipyard.api.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.web.server.ServerWebExchange;

/** The request ID of an exchange: the caller's {@code X-Request-ID} when sane, else a new UUID. */
public final class RequestIds {

  public static final String HEADER = "X-Request-ID";
  static final String ATTRIBUTE = RequestIds.class.getName();
  static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  /** The request ID assigned to {@code exchange} by {@link RequestIdFilter}. */
  public static String of(ServerWebExchange exchange) {
    Object id = exchange.getAttribute(ATTRIBUTE);
    return id == null ? assign(exchange) : id.toString();
  }

  /**
   * A random (version 4) UUID from {@link ThreadLocalRandom}. {@code UUID.randomUUID()} would read
   * the OS entropy source through SecureRandom, a blocking call on the event loop; a request ID
   * needs uniqueness, not unpredictability.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  static String assign(ServerWebExchange exchange) {
    String offered = exchange.getRequest().getHeaders().getFirst(HEADER);
    String id = offered != null && SAFE.matcher(offered).matches() ? offered : newId();
    exchange.getAttributes().put(ATTRIBUTE, id);
    return id;
  }
}
