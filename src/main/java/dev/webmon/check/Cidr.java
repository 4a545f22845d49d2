package dev.webmon.check;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A block of IP addresses in CIDR notation, {@code 10.0.0.0/8} or {@code fc00::/7}; a bare
 * address is a block of one. Parsing never touches DNS and is strict: host bits set below the
 * prefix are an error, because {@code 10.1.2.3/8} is usually a typo. Immutable and thread-safe.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefixLength;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code address[/prefix]}.
   *
   * @throws IllegalArgumentException saying what is wrong, if {@code text} is not an IPv4 or IPv6
   *     CIDR block
   */
  public static Cidr parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String addressText = slash < 0 ? t : t.substring(0, slash);
    byte[] address = parseLiteral(addressText)
        .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block such as 10.0.0.0/8 or fc00::/7"));
    int max = address.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("'" + text + "': the prefix length must be a number from 0 to " + max);
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        throw new IllegalArgumentException("'" + text + "': the prefix length must be a number from 0 to " + max);
      }
    }
    byte[] masked = mask(address, prefix);
    if (!Arrays.equals(masked, address)) {
      throw new IllegalArgumentException(
          "'" + text + "' has bits set beyond the /" + prefix + " prefix; did you mean " + format(masked, prefix) + "?");
    }
    return new Cidr(masked, prefix);
  }

  /** The block of {@code address} with the given prefix length (host bits are cleared). */
  public static Cidr of(InetAddress address, int prefixLength) {
    byte[] bytes = address.getAddress();
    if (prefixLength < 0 || prefixLength > bytes.length * 8) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + address.getHostAddress());
    }
    return new Cidr(mask(bytes, prefixLength), prefixLength);
  }

  /** True if {@code address} is in this block (an IPv4 block never contains an IPv6 address). */
  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int m = (0xff << (8 - rest)) & 0xff;
    return (address[full] & m) == (network[full] & 0xff);
  }

  public int prefixLength() {
    return prefixLength;
  }

  /** The first address of the block. */
  public InetAddress network() {
    try {
      return InetAddress.getByAddress(network.clone());
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes: cannot happen
    }
  }

  /** True for an IPv4 block. */
  public boolean isIpv4() {
    return network.length == 4;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  /** The canonical text, e.g. {@code 10.0.0.0/8}; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return format(network, prefixLength);
  }

  private static String format(byte[] address, int prefix) {
    try {
      InetAddress a = address.length == 4 ? Inet4Address.getByAddress(address) : Inet6Address.getByAddress(null, address, -1);
      return a.getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int bit = prefix; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }

  /**
   * The bytes of an IPv4 dotted quad or an IPv6 literal, without DNS. IPv4-mapped IPv6 text stays
   * 16 bytes (unlike {@link InetAddress}), so {@code ::ffff:0:0/96} parses as an IPv6 block.
   */
  static Optional<byte[]> parseLiteral(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return Optional.empty();
    }
    if (text.indexOf(':') < 0) {
      return parseIpv4(text);
    }
    return parseIpv6(text);
  }

  private static Optional<byte[]> parseIpv4(String text) {
    // By hand, not split(): this runs for every check of an IP-literal URL.
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i == text.length() ? '.' : text.charAt(i);
      if (c == '.') {
        if (digits == 0 || part == 4) {
          return Optional.empty();
        }
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        // No leading zeros: "010" means 8 to some parsers and 10 to others.
        if (digits == 1 && value == 0) {
          return Optional.empty();
        }
        value = value * 10 + (c - '0');
        digits++;
        if (value > 255) {
          return Optional.empty();
        }
      } else {
        return Optional.empty();
      }
    }
    return part == 4 ? Optional.of(out) : Optional.empty();
  }

  private static Optional<byte[]> parseIpv6(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
      if (!ok) {
        return Optional.empty();
      }
    }
    String head = text;
    byte[] tailV4 = null;
    int lastColon = text.lastIndexOf(':');
    if (text.indexOf('.') >= 0) {
      Optional<byte[]> v4 = parseIpv4(text.substring(lastColon + 1));
      if (v4.isEmpty()) {
        return Optional.empty();
      }
      tailV4 = v4.get();
      head = text.substring(0, lastColon + 1) + "0:0"; // placeholder groups for the v4 tail
    }
    int dbl = head.indexOf("::");
    if (dbl >= 0 && head.indexOf("::", dbl + 1) >= 0) {
      return Optional.empty();
    }
    String[] left;
    String[] right;
    if (dbl >= 0) {
      String l = head.substring(0, dbl);
      String r = head.substring(dbl + 2);
      left = l.isEmpty() ? new String[0] : l.split(":", -1);
      right = r.isEmpty() ? new String[0] : r.split(":", -1);
      if (left.length + right.length > 7) {
        return Optional.empty();
      }
    } else {
      left = head.split(":", -1);
      right = new String[0];
      if (left.length != 8) {
        return Optional.empty();
      }
    }
    byte[] out = new byte[16];
    if (!fillGroups(left, out, 0) || !fillGroups(right, out, 16 - 2 * right.length)) {
      return Optional.empty();
    }
    if (tailV4 != null) {
      System.arraycopy(tailV4, 0, out, 12, 4);
    }
    return Optional.of(out);
  }

  private static boolean fillGroups(String[] groups, byte[] out, int offset) {
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (g.isEmpty() || g.length() > 4 || g.indexOf('.') >= 0) {
        return false;
      }
      int v = Integer.parseInt(g, 16);
      out[offset + 2 * i] = (byte) (v >>> 8);
      out[offset + 2 * i + 1] = (byte) v;
    }
    return true;
  }
}
