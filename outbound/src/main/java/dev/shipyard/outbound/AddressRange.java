package dev.shipyard.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A CIDR block, IPv4 or IPv6, such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
record AddressRange(byte[] network, int prefix) {

  /**
   * Parses {@code a.b.c.d/n}, {@code v6::/n} or a bare address (a /32 or /128). Only literal
   * addresses: never looks anything up.
   */
  static AddressRange parse(String cidr) {
    String text = cidr.trim();
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = Literals.parse(address);
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address or CIDR block: " + cidr);
    }
    int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1).trim());
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("prefix out of range: " + cidr);
    }
    return new AddressRange(bytes, prefix);
  }

  boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressRange r && r.prefix == prefix && Arrays.equals(r.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return Arrays.toString(network) + "/" + prefix;
    }
  }
}
