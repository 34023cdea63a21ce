package dev.shipyard.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one guard for URLs a user gives Shipyard to call (webhooks now; delivery targets next).
 *
 * <ul>
 *   <li>Schemes {@code http} and {@code https} only; a host is required; no user information.
 *   <li>Cloud metadata (169.254.169.254, fd00:ec2::254, {@code metadata.google.internal}, ...) and
 *       link-local addresses (169.254.0.0/16, fe80::/10) are always refused.
 *   <li>Loopback, private, unique-local, carrier-grade NAT, unspecified, multicast and reserved
 *       addresses are refused unless an allowance covers them: a CIDR block ({@code 10.1.0.0/16}, a
 *       bare address is a /32 or /128), or a {@code host:port} ({@code 127.0.0.1:8089}, {@code
 *       [::1]:8089}, {@code hooks.internal:443}) allowing exactly that host and port.
 * </ul>
 *
 * {@link #check(String)} needs no DNS (the API uses it at request time, on the event loop); {@link
 * #resolve(URI)} resolves the host once and checks every address, and the caller connects to the
 * address it returns ({@link OutboundHttp} does), so a name cannot resolve to a public address for
 * the check and to a private one for the connection (DNS rebinding).
 */
public final class OutboundGuard {

  /** Names of cloud metadata services, refused whatever they resolve to. */
  public static final Set<String> METADATA_HOSTS =
      Set.of(
          "metadata.google.internal",
          "metadata.goog",
          "metadata",
          "instance-data",
          "instance-data.ec2.internal",
          "metadata.azure.com");

  private static final Pattern NUMERIC_LABEL = Pattern.compile("(?i)[0-9]+|0x[0-9a-f]*");

  private final List<AddressRange> allowedRanges;
  private final Set<String> allowedHostPorts;

  private OutboundGuard(List<AddressRange> allowedRanges, Set<String> allowedHostPorts) {
    this.allowedRanges = List.copyOf(allowedRanges);
    this.allowedHostPorts = Set.copyOf(allowedHostPorts);
  }

  /** Public addresses only. */
  public static OutboundGuard strict() {
    return new OutboundGuard(List.of(), Set.of());
  }

  /**
   * Public addresses plus the comma-separated allowances of {@code spec} (the {@code
   * OUTBOUND_ALLOWED} setting); null or blank allows nothing more.
   *
   * @throws IllegalArgumentException when an entry is neither a CIDR block nor {@code host:port}
   */
  public static OutboundGuard allowing(String spec) {
    List<AddressRange> ranges = new ArrayList<>();
    Set<String> hostPorts = new HashSet<>();
    if (spec != null) {
      for (String raw : spec.split(",")) {
        String entry = raw.trim();
        if (entry.isEmpty()) {
          continue;
        }
        String hostPort = hostPort(entry);
        if (hostPort != null) {
          hostPorts.add(hostPort);
        } else {
          ranges.add(AddressRange.parse(entry));
        }
      }
    }
    return new OutboundGuard(ranges, hostPorts);
  }

  /**
   * {@code host:port} normalised (lower case, IPv6 literal in its canonical form, no brackets), or
   * null when {@code entry} is an address or CIDR block.
   */
  private static String hostPort(String entry) {
    String host;
    String port;
    if (entry.startsWith("[")) {
      int close = entry.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("expected [address]:port: " + entry);
      }
      host = entry.substring(1, close);
      port = entry.substring(close + 2);
    } else {
      int colon = entry.indexOf(':');
      if (colon < 0 || entry.indexOf(':', colon + 1) >= 0 || entry.contains("/")) {
        return null; // an IPv4 address or block, or an IPv6 address or block
      }
      host = entry.substring(0, colon);
      port = entry.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port: " + entry);
    }
    if (p < 1 || p > 65535 || host.isBlank()) {
      throw new IllegalArgumentException("expected host:port: " + entry);
    }
    return key(host.trim(), p);
  }

  private static String key(String host, int port) {
    InetAddress literal = Literals.address(host);
    String h = literal != null ? literal.getHostAddress() : normalise(host);
    return h + ":" + port;
  }

  private static String normalise(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /**
   * Checks what can be known without DNS: scheme, host, user information, metadata host names and
   * literal addresses.
   *
   * @return the parsed URL
   */
  public URI check(String url) throws OutboundRefusedException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException | NullPointerException e) {
      throw new OutboundRefusedException("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new OutboundRefusedException("must be an http or https URL");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new OutboundRefusedException("must name a host (a DNS name or an IP address)");
    }
    if (uri.getRawUserInfo() != null) {
      throw new OutboundRefusedException("must not contain user information (user:password@)");
    }
    String name = normalise(host);
    if (METADATA_HOSTS.contains(name)) {
      throw new OutboundRefusedException(
          "is refused: " + name + " is a cloud metadata service, never called");
    }
    InetAddress literal = Literals.address(host);
    if (literal != null) {
      checkAddress(host, literal, port(uri));
    } else if (NUMERIC_LABEL.matcher(name.substring(name.lastIndexOf('.') + 1)).matches()) {
      // 2130706433, 0x7f000001, 0177.0.0.1, 127.1: resolvers read these as addresses; no
      // top-level domain is numeric, so they are neither names nor the dotted quads checked here.
      throw new OutboundRefusedException("must name a host by DNS name or dotted IP address");
    }
    return uri;
  }

  /**
   * Resolves the host of {@code uri} once and checks every address it has; the caller must connect
   * to the returned address (not to the name again).
   */
  public InetSocketAddress resolve(URI uri) throws OutboundRefusedException {
    check(uri.toString());
    String host = uri.getHost();
    InetAddress literal = Literals.address(host);
    InetAddress[] addresses;
    if (literal != null) {
      addresses = new InetAddress[] {literal};
    } else {
      try {
        addresses = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw new OutboundRefusedException("host " + normalise(host) + " cannot be resolved");
      }
    }
    int port = port(uri);
    // Every address must pass: a name with one public and one private address is refused, so
    // the choice of address never depends on which one the resolver lists first.
    for (InetAddress address : addresses) {
      checkAddress(host, address, port);
    }
    return new InetSocketAddress(addresses[0], port);
  }

  /** The port of {@code uri}, or the scheme's default. */
  public static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** Refuses {@code address} (reached as {@code host}:{@code port}) unless policy allows it. */
  public void checkAddress(String host, InetAddress address, int port)
      throws OutboundRefusedException {
    AddressClass type = AddressClass.of(address);
    String shown = address.getHostAddress();
    String via = Literals.address(host) != null ? "" : normalise(host) + " resolves to ";
    if (type.alwaysRefused()) {
      throw new OutboundRefusedException(
          "is refused: " + via + shown + " is " + type.description() + ", never called");
    }
    if (type == AddressClass.PUBLIC || allowed(host, address, port)) {
      return;
    }
    throw new OutboundRefusedException(
        "is refused: "
            + via
            + shown
            + " is "
            + type.description()
            + " (the operator can allow it with OUTBOUND_ALLOWED)");
  }

  private boolean allowed(String host, InetAddress address, int port) {
    for (AddressRange range : allowedRanges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return allowedHostPorts.contains(address.getHostAddress() + ":" + port)
        || allowedHostPorts.contains(key(host, port));
  }

  @Override
  public String toString() {
    List<String> entries = new ArrayList<>();
    allowedRanges.forEach(r -> entries.add(r.toString()));
    entries.addAll(allowedHostPorts);
    return "OutboundGuard[public addresses"
        + (entries.isEmpty() ? "" : " + " + String.join(", ", entries))
        + "]";
  }
}
