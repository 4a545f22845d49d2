package dev.webmon.check;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Which resolved addresses a check may connect to. Refuses, unless allow-listed in {@code
 * check.allowed-networks}: loopback, private (RFC 1918, IPv6 unique local and site local),
 * link-local (including the cloud metadata address 169.254.169.254), carrier-grade NAT
 * (100.64.0.0/10), multicast, unspecified, reserved/broadcast (240.0.0.0/4), benchmarking
 * (198.18.0.0/15) and IETF protocol (192.0.0.0/24) addresses — and the same addresses embedded in
 * IPv6 (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16).
 *
 * <p>The point is that a user who may add targets must not be able to make agents probe the
 * agents' own network (SSRF). Callers must connect to exactly the address they checked, never
 * resolve the name again. The web app applies the same policy to a target's URL when the target
 * is created or changed ({@link #refusal(URI, Duration)}), so a user learns at once rather than
 * from DOWN (BLOCKED_ADDRESS) results later. Immutable and thread-safe.
 */
public final class AddressPolicy {
  private record Blocked(Cidr block, String kind) {}

  private static final List<Blocked> V4 =
      List.of(
          blocked("0.0.0.0/8", "an unspecified ('this network')"),
          blocked("10.0.0.0/8", "a private"),
          blocked("100.64.0.0/10", "a carrier-grade NAT"),
          blocked("127.0.0.0/8", "a loopback"),
          blocked("169.254.0.0/16", "a link-local"),
          blocked("172.16.0.0/12", "a private"),
          blocked("192.0.0.0/24", "an IETF protocol"),
          blocked("192.168.0.0/16", "a private"),
          blocked("198.18.0.0/15", "a benchmarking"),
          blocked("224.0.0.0/4", "a multicast"),
          blocked("240.0.0.0/4", "a reserved or broadcast"));

  private static final List<Blocked> V6 =
      List.of(
          blocked("::/128", "an unspecified"),
          blocked("::1/128", "a loopback"),
          blocked("64:ff9b:1::/48", "a local NAT64"),
          blocked("fc00::/7", "a unique local (private)"),
          blocked("fe80::/10", "a link-local"),
          blocked("fec0::/10", "a site-local (private)"),
          blocked("ff00::/8", "a multicast"));

  private static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");
  private static final Cidr COMPATIBLE = Cidr.parse("::/96");
  private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
  /** Lookups for validating URLs as they are saved (the web), bounded like the agents' own. */
  private static final Resolver VALIDATION_LOOKUPS = Resolver.system(16);

  private final List<AllowedNetwork> allowed;
  private final boolean allowsEverything;

  private AddressPolicy(List<AllowedNetwork> allowed) {
    this.allowed = List.copyOf(allowed);
    this.allowsEverything =
        allowed.stream().anyMatch(a -> a.port() == 0 && a.network().isIpv4() && a.network().prefixLength() == 0)
            && allowed.stream().anyMatch(a -> a.port() == 0 && !a.network().isIpv4() && a.network().prefixLength() == 0);
  }

  /** The policy of {@code check.allowed-networks}. */
  public static AddressPolicy fromConfig(CheckConfig config) {
    return of(config.allowedNetworks());
  }

  /** A policy that refuses the special addresses except those in {@code allowed} (on their ports). */
  public static AddressPolicy of(List<AllowedNetwork> allowed) {
    return new AddressPolicy(allowed);
  }

  /** A policy that refuses the special addresses except those in {@code allowedNetworks}, on every port. */
  public static AddressPolicy allowing(List<Cidr> allowedNetworks) {
    return of(allowedNetworks.stream().map(AllowedNetwork::of).toList());
  }

  /** A policy that allows every address (0.0.0.0/0 and ::/0): for tests that do not exercise it. */
  public static AddressPolicy allowingAll() {
    return allowing(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")));
  }

  /** The allow-listed blocks. */
  public List<AllowedNetwork> allowedNetworks() {
    return allowed;
  }

  /**
   * Why {@code address} may not be checked on any port, or empty if it may: only entries for
   * every port count. The text names the address and its kind, e.g. {@code "10.1.2.3 is a private
   * address (allow it with check.allowed-networks)"}.
   */
  public Optional<String> refusal(InetAddress address) {
    return refusal(address, -1);
  }

  /** Why {@code address} may not be checked on {@code port}, or empty if it may. */
  public Optional<String> refusal(InetAddress address, int port) {
    byte[] bytes = address.getAddress();
    if (isAllowListed(bytes, port)) {
      return Optional.empty();
    }
    Optional<String> kind = kind(bytes);
    return kind.map(
        k -> address.getHostAddress() + " is " + k + " address (allow it with " + CheckConfig.ALLOWED_NETWORKS.name() + ")");
  }

  /**
   * Why the host of {@code url} may not be checked, or empty if it may: every address the host
   * resolves to must pass. A host that does not resolve now, or not within {@code dnsTimeout}, is
   * accepted: the check itself reports DNS. The text names the host unless it is a literal address,
   * e.g. {@code "host localhost resolves to 127.0.0.1 is a loopback address (...)"}.
   */
  public Optional<String> refusal(URI url, Duration dnsTimeout) {
    return refusal(url, dnsTimeout, VALIDATION_LOOKUPS);
  }

  /** As {@link #refusal(URI, Duration)}, resolving with {@code resolver}; waits at most {@code dnsTimeout} for it. */
  Optional<String> refusal(URI url, Duration dnsTimeout, Resolver resolver) {
    String host = url.getHost();
    if (host == null || allowsEverything) {
      return Optional.empty();
    }
    boolean literal = host.startsWith("[") || host.matches("[0-9.]+");
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    for (InetAddress address : resolve(resolver, host, dnsTimeout)) {
      Optional<String> refusal = refusal(address, port);
      if (refusal.isPresent()) {
        return Optional.of(literal ? refusal.get() : "host " + host + " resolves to " + refusal.get());
      }
    }
    return Optional.empty();
  }

  private static List<InetAddress> resolve(Resolver resolver, String host, Duration timeout) {
    try {
      return List.of(resolver.resolve(host, timeout.toNanos()));
    } catch (UnknownHostException | TimeoutException e) {
      return List.of(); // does not resolve (now): the agent reports DNS
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /** True if {@code address} may be checked. */
  public boolean allows(InetAddress address) {
    return refusal(address).isEmpty();
  }

  private boolean isAllowListed(byte[] bytes, int port) {
    byte[] embedded = embeddedIpv4(bytes);
    for (AllowedNetwork a : allowed) {
      if (a.allows(bytes, port) || (embedded != null && a.allows(embedded, port))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<String> kind(byte[] bytes) {
    if (bytes.length == 4) {
      return match(V4, bytes);
    }
    Optional<String> v6 = match(V6, bytes);
    if (v6.isPresent()) {
      return v6;
    }
    byte[] embedded = embeddedIpv4(bytes);
    if (embedded != null) {
      return match(V4, embedded).map(k -> k + " IPv4 (embedded in IPv6)");
    }
    return Optional.empty();
  }

  private static Optional<String> match(List<Blocked> list, byte[] bytes) {
    for (Blocked b : list) {
      if (b.block().contains(bytes)) {
        return Optional.of(b.kind());
      }
    }
    return Optional.empty();
  }

  /** The IPv4 address carried in an IPv6 address by a transition mechanism, or null. */
  static byte[] embeddedIpv4(byte[] v6) {
    if (v6.length != 16) {
      return null;
    }
    if (MAPPED.contains(v6) || COMPATIBLE.contains(v6) || NAT64.contains(v6)) {
      return Arrays.copyOfRange(v6, 12, 16);
    }
    if (SIX_TO_FOUR.contains(v6)) {
      return Arrays.copyOfRange(v6, 2, 6);
    }
    return null;
  }

  private static Blocked blocked(String cidr, String kind) {
    return new Blocked(Cidr.parse(cidr), kind);
  }

  @Override
  public String toString() {
    return "AddressPolicy[allowed=" + allowed + "]";
  }
}
