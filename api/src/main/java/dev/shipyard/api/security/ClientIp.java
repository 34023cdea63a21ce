package dev.shipyard.api.security;

import java.net.InetSocketAddress;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client address of a request, for anonymous rate limits and the audit trail. Behind a proxy,
 * set {@code server.forward-headers-strategy=native} (README) so the address reflects {@code
 * X-Forwarded-For} from trusted proxies only.
 */
public final class ClientIp {

  private ClientIp() {}

  public static String of(ServerWebExchange exchange) {
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    if (remote == null) {
      return "unknown";
    }
    return remote.getAddress() != null
        ? remote.getAddress().getHostAddress()
        : remote.getHostString();
  }
}
