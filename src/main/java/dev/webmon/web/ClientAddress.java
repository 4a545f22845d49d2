package dev.webmon.web;

import dev.webmon.check.Cidr;
import io.javalin.http.Context;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The client address a request is throttled by. Without trusted proxies ({@code
 * web.trusted-proxies} empty, the default) it is the TCP peer and {@code X-Forwarded-For} is
 * ignored, since any client can send one. When the peer is a trusted proxy, it is the rightmost
 * address of {@code X-Forwarded-For} that is not itself a trusted proxy: each proxy appends the
 * address it received the request from, so everything left of that may be the client's invention.
 * An IPv6 client counts by its /64, the block one subscriber usually gets. Never does DNS.
 * Thread-safe.
 */
final class ClientAddress {
  private static final int IPV6_CLIENT_PREFIX = 64;

  private final List<Cidr> trustedProxies;

  ClientAddress(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  String of(Context ctx) {
    return resolve(ctx.req().getRemoteAddr(), Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
  }

  /**
   * @param peer the TCP peer's address literal
   * @param forwardedFor the {@code X-Forwarded-For} header values, in the order received
   */
  String resolve(String peer, List<String> forwardedFor) {
    Optional<InetAddress> hop = literal(peer);
    if (hop.isEmpty()) {
      return peer;
    }
    List<String> chain = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String part : header.split(",")) {
        chain.add(part.strip());
      }
    }
    InetAddress client = hop.get();
    for (int i = chain.size() - 1; i >= 0 && trusted(client); i--) {
      Optional<InetAddress> previous = literal(chain.get(i));
      if (previous.isEmpty()) {
        break; // garbage from the client's side: the last trusted hop stands for it
      }
      client = previous.get();
    }
    return key(client);
  }

  private boolean trusted(InetAddress address) {
    return trustedProxies.stream().anyMatch(c -> c.contains(address));
  }

  private static String key(InetAddress address) {
    if (address instanceof Inet6Address) {
      return Cidr.of(address, IPV6_CLIENT_PREFIX).toString();
    }
    return address.getHostAddress();
  }

  /** An IP literal, also as {@code [v6]:port} or {@code v4:port}; never a host name. */
  static Optional<InetAddress> literal(String text) {
    String t = text.strip();
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      if (end < 0) {
        return Optional.empty();
      }
      t = t.substring(1, end);
    } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      t = t.substring(0, t.indexOf(':')); // a.b.c.d:port
    }
    if (t.isEmpty() || t.indexOf('/') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Cidr.parse(t).network());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
