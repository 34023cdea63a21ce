package dev.shipyard.activities.delivery.s3;

import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.outbound.OutboundRefusedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The S3 client's resolver: every address a host resolves to is checked by the {@link
 * OutboundGuard} when the connection is made, so a user's endpoint cannot reach a refused address
 * by DNS rebinding (the name checked is the name connected to, in the same lookup). A refusal is a
 * {@link Refused}, which the provider reports as {@code OUTBOUND_REFUSED}.
 */
final class GuardedDnsResolver implements DnsResolver {

  /** The guard refused an address; nothing was sent. */
  static final class Refused extends UnknownHostException {
    Refused(String message) {
      super(message);
    }
  }

  private final OutboundGuard guard;
  private final int defaultPort;

  GuardedDnsResolver(OutboundGuard guard, int defaultPort) {
    this.guard = guard;
    this.defaultPort = defaultPort;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    return checked(host, defaultPort);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    int effective = port > 0 ? port : defaultPort;
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (InetAddress address : checked(host, effective)) {
      addresses.add(new InetSocketAddress(address, effective));
    }
    return addresses;
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
  }

  private InetAddress[] checked(String host, int port) throws UnknownHostException {
    InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
    for (InetAddress address : addresses) {
      try {
        guard.checkAddress(host, address, port);
      } catch (OutboundRefusedException e) {
        throw new Refused("The S3 endpoint " + e.getMessage());
      }
    }
    return addresses;
  }
}
