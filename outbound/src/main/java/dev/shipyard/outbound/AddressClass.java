package dev.shipyard.outbound;

import java.net.InetAddress;
import java.util.List;

/** What an IP address is, as far as calling it on a user's behalf goes. */
public enum AddressClass {
  /** Cloud instance metadata (169.254.169.254, fd00:ec2::254): never called. */
  METADATA(true, "a cloud metadata address"),
  /** Link-local (169.254.0.0/16, fe80::/10): never called (metadata services live there). */
  LINK_LOCAL(true, "a link-local address"),
  LOOPBACK(false, "a loopback address"),
  /** RFC 1918 (10/8, 172.16/12, 192.168/16) and the deprecated IPv6 site-local fec0::/10. */
  PRIVATE(false, "a private address"),
  /** fc00::/7. */
  UNIQUE_LOCAL(false, "a unique-local address"),
  /** 100.64.0.0/10, carrier-grade NAT (also where some clouds put their metadata services). */
  CGNAT(false, "a carrier-grade NAT address"),
  /** 0.0.0.0/8, :: (the local host on most systems). */
  UNSPECIFIED(false, "an unspecified address"),
  MULTICAST(false, "a multicast address"),
  /** Broadcast, documentation, benchmarking, IETF-reserved and other special-purpose ranges. */
  RESERVED(false, "a reserved address"),
  PUBLIC(false, "a public address");

  private final boolean alwaysRefused;
  private final String description;

  AddressClass(boolean alwaysRefused, String description) {
    this.alwaysRefused = alwaysRefused;
    this.description = description;
  }

  /** True when no configuration can allow this class. */
  public boolean alwaysRefused() {
    return alwaysRefused;
  }

  public String description() {
    return description;
  }

  private record Entry(AddressRange range, AddressClass type) {}

  // Order matters: the first matching range decides (metadata before link-local).
  private static final List<Entry> RANGES =
      List.of(
          entry("169.254.169.254/32", METADATA),
          entry("fd00:ec2::254/128", METADATA),
          entry("169.254.0.0/16", LINK_LOCAL),
          entry("fe80::/10", LINK_LOCAL),
          entry("127.0.0.0/8", LOOPBACK),
          entry("::1/128", LOOPBACK),
          entry("10.0.0.0/8", PRIVATE),
          entry("172.16.0.0/12", PRIVATE),
          entry("192.168.0.0/16", PRIVATE),
          entry("fec0::/10", PRIVATE),
          entry("fc00::/7", UNIQUE_LOCAL),
          entry("100.64.0.0/10", CGNAT),
          entry("0.0.0.0/8", UNSPECIFIED),
          entry("::/128", UNSPECIFIED),
          entry("224.0.0.0/4", MULTICAST),
          entry("ff00::/8", MULTICAST),
          entry("240.0.0.0/4", RESERVED), // includes the broadcast address 255.255.255.255
          entry("192.0.0.0/24", RESERVED),
          entry("192.0.2.0/24", RESERVED),
          entry("198.18.0.0/15", RESERVED),
          entry("198.51.100.0/24", RESERVED),
          entry("203.0.113.0/24", RESERVED),
          entry("::/96", RESERVED), // IPv4-compatible IPv6 (deprecated)
          entry("100::/64", RESERVED),
          entry("2001::/32", RESERVED), // Teredo: the IPv4 inside is obfuscated
          entry("2001:db8::/32", RESERVED));

  /** ::ffff:0:0/96, built from bytes: parsing its text yields the IPv4 address 0.0.0.0. */
  private static final AddressRange MAPPED =
      new AddressRange(
          new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);

  private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");
  private static final AddressRange SIX_TO_FOUR = AddressRange.parse("2002::/16");

  private static Entry entry(String cidr, AddressClass type) {
    return new Entry(AddressRange.parse(cidr), type);
  }

  /** The class of {@code address}; IPv6 forms that embed an IPv4 address are judged by it. */
  public static AddressClass of(InetAddress address) {
    return of(address.getAddress());
  }

  static AddressClass of(byte[] address) {
    if (address.length == 16 && (MAPPED.contains(address) || NAT64.contains(address))) {
      return of(slice(address, 12));
    }
    if (address.length == 16 && SIX_TO_FOUR.contains(address)) {
      return of(slice(address, 2));
    }
    for (Entry e : RANGES) {
      if (e.range().contains(address)) {
        return e.type();
      }
    }
    return PUBLIC;
  }

  private static byte[] slice(byte[] address, int from) {
    byte[] v4 = new byte[4];
    System.arraycopy(address, from, v4, 0, 4);
    return v4;
  }
}
