package dev.webmon.check;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An entry of {@code check.allowed-networks}: a CIDR block checks may reach although the {@link
 * AddressPolicy} refuses it, on every port or on one. Written {@code 10.20.0.0/16} or, for one
 * port, {@code 127.0.0.1/32:8081} / {@code ::1/128:8081} (the port follows the prefix length, so
 * an IPv6 block stays unambiguous).
 *
 * @param port 1-65535, or 0 for every port
 */
public record AllowedNetwork(Cidr network, int port) {
  private static final Pattern WITH_PORT = Pattern.compile("(.+/\\d{1,3}):(\\d{1,5})");

  public AllowedNetwork {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1-65535 (or none), was " + port);
    }
  }

  /** Every port of {@code network}. */
  public static AllowedNetwork of(Cidr network) {
    return new AllowedNetwork(network, 0);
  }

  /** Parses {@code CIDR} or {@code CIDR:PORT}. */
  public static AllowedNetwork parse(String text) {
    String t = text.strip();
    Matcher m = WITH_PORT.matcher(t);
    if (m.matches()) {
      int port = Integer.parseInt(m.group(2));
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port " + port + " in '" + t + "' is not within 1-65535");
      }
      return new AllowedNetwork(Cidr.parse(m.group(1)), port);
    }
    return of(Cidr.parse(t));
  }

  /** Whether {@code address} on {@code port} (-1: unknown, only whole blocks match) is in this entry. */
  boolean allows(byte[] address, int port) {
    return network.contains(address) && (this.port == 0 || this.port == port);
  }

  @Override
  public String toString() {
    return port == 0 ? network.toString() : network + ":" + port;
  }
}
