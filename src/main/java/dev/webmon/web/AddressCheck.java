package dev.webmon.web;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's address policy applied when a target is created or changed, so a user learns at
 * once that a URL points at a loopback, private or link-local address. A host that does not
 * resolve now is accepted (the agent reports DNS). Implementations are thread-safe.
 */
@FunctionalInterface
public interface AddressCheck {
  /** Why the URL's host is not allowed, or empty when it is (or cannot be resolved now). */
  Optional<String> problem(URI url);

  /** Allows every address (tests that do not exercise the policy). */
  static AddressCheck allowAll() {
    return url -> Optional.empty();
  }

  /**
   * Refuses loopback, private, link-local, multicast and unspecified addresses unless they fall
   * in one of the allowed networks.
   *
   * @param allowedNetworks CIDRs such as {@code 127.0.0.0/8} or {@code 10.1.0.0/16}
   * @param dnsTimeout how long to wait for name resolution before accepting the host
   */
  static AddressCheck blockingPrivate(List<String> allowedNetworks, Duration dnsTimeout) {
    List<Cidr> allowed = allowedNetworks.stream().map(Cidr::parse).toList();
    return url -> {
      String host = url.getHost();
      if (host == null) {
        return Optional.empty();
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      for (InetAddress address : resolve(host, dnsTimeout)) {
        if (blocked(address) && allowed.stream().noneMatch(c -> c.contains(address))) {
          return Optional.of(
              "resolves to " + address.getHostAddress() + ", a " + kind(address)
                  + " address, which agents refuse; allow-list its network in check.allowed-networks to monitor it");
        }
      }
      return Optional.empty();
    };
  }

  private static List<InetAddress> resolve(String host, Duration timeout) {
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<InetAddress[]> lookup = executor.submit(() -> InetAddress.getAllByName(host));
      try {
        return List.of(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownHostException) {
          return List.of(); // does not resolve now: accepted, the agent will report DNS
        }
        return List.of();
      } catch (TimeoutException e) {
        lookup.cancel(true);
        return List.of();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
  }

  private static boolean blocked(InetAddress a) {
    byte[] b = a.getAddress();
    boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
    boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    return a.isLoopbackAddress()
        || a.isSiteLocalAddress()
        || a.isLinkLocalAddress()
        || a.isMulticastAddress()
        || a.isAnyLocalAddress()
        || uniqueLocalV6
        || cgnat;
  }

  private static String kind(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return "loopback";
    }
    if (a.isLinkLocalAddress()) {
      return "link-local";
    }
    if (a.isMulticastAddress()) {
      return "multicast";
    }
    if (a.isAnyLocalAddress()) {
      return "unspecified";
    }
    return "private";
  }

  /** An IPv4 or IPv6 network in CIDR notation. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      String t = text.strip();
      int slash = t.indexOf('/');
      String addr = slash < 0 ? t : t.substring(0, slash);
      if (!addr.matches("[0-9A-Fa-f:.]+")) {
        throw new IllegalArgumentException("not an IP network: " + text);
      }
      byte[] bytes;
      try {
        bytes = InetAddress.getByName(addr).getAddress(); // a literal: no DNS lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP network: " + text, e);
      }
      int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("bad prefix length in " + text);
      }
      return new Cidr(bytes, prefix);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
