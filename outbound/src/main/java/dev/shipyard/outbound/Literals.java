package dev.shipyard.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Literal IP addresses, parsed without any name lookup. */
final class Literals {

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  private Literals() {}

  /**
   * The bytes of a dotted-quad IPv4 or an IPv6 literal (with or without brackets, no zone), or null
   * when {@code text} is not one. {@link InetAddress#getByName} does no lookup for these forms.
   */
  static byte[] parse(String text) {
    String s = text;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    boolean v4 = IPV4.matcher(s).matches();
    boolean v6 = !v4 && s.indexOf(':') >= 0 && IPV6.matcher(s).matches();
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The address of a literal, or null. */
  static InetAddress address(String text) {
    byte[] bytes = parse(text);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
