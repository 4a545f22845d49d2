package dev.webmon.check;

import dev.webmon.config.ConfigKey;
import dev.webmon.config.Parser;
import dev.webmon.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How agents run checks: which otherwise refused networks they may reach, the connect timeout,
 * the body cap, the User-Agent and the most redirects any target may ask for. The total timeout,
 * redirects, method, headers and patterns are per target ({@code TargetSpec}).
 *
 * @param allowedNetworks CIDR blocks (optionally one port of them) exempt from the {@link AddressPolicy} (tests: 127.0.0.0/8)
 * @param connectTimeout bound of one TCP connect (the target's total timeout bounds it too)
 * @param maxBodyBytes how much of a response body is read (and, after gzip, decoded) at most
 * @param userAgent the User-Agent header sent unless the target sets its own
 * @param maxRedirectsCap upper bound for a target's maxRedirects
 * @param dnsMaxInFlight most DNS lookups running at once; when the resolver stops answering, more
 *     checks of host names fail at once as DNS instead of piling up blocked threads
 */
public record CheckConfig(
    List<AllowedNetwork> allowedNetworks,
    Duration connectTimeout,
    long maxBodyBytes,
    String userAgent,
    int maxRedirectsCap,
    int dnsMaxInFlight) {

  public static final ConfigKey<List<AllowedNetwork>> ALLOWED_NETWORKS =
      ConfigKey.of(
          "check.allowed-networks",
          "",
          "Comma-separated CIDR blocks that checks may reach although they are loopback, private, link-local etc. "
              + "(refused by default so that targets cannot probe the agents' own network), e.g. 10.20.0.0/16,fd00:1::/64; "
              + "a block followed by :PORT allows only that port, e.g. 127.0.0.1/32:8081.",
          Parser.described(CheckConfig::parseAllowed, "a comma-separated list of IPv4/IPv6 CIDR blocks, each optionally with :PORT, e.g. 127.0.0.0/8,::1/128,10.0.0.5/32:8443"));
  public static final ConfigKey<Duration> CONNECT_TIMEOUT =
      ConfigKey.of(
          "check.connect-timeout",
          "5s",
          "Bound of the TCP connect of a check (the target's timeout bounds the whole check).",
          Parser.duration(Duration.ofMillis(10), Duration.ofMinutes(2)));
  public static final ConfigKey<Long> MAX_BODY_BYTES =
      ConfigKey.of(
          "check.max-body-bytes",
          "1MiB",
          "How much of a response body a check reads (and decompresses) at most; the pattern is matched against that prefix.",
          Parser.bytes(1024, 64L * 1024 * 1024));
  public static final ConfigKey<String> USER_AGENT =
      ConfigKey.of(
          "check.user-agent",
          "webmon/1 (website monitor)",
          "User-Agent header of checks, unless the target sets its own.",
          Parser.described(CheckConfig::parseUserAgent, "printable ASCII, 1-200 characters"));
  public static final ConfigKey<Integer> MAX_REDIRECTS_CAP =
      ConfigKey.of(
          "check.max-redirects-cap",
          "10",
          "The most redirects a check follows, whatever the target asks for.",
          Parser.intInRange(0, 20));

  public static final ConfigKey<Integer> DNS_MAX_IN_FLIGHT =
      ConfigKey.of(
          "check.dns-max-in-flight",
          "64",
          "The most DNS lookups running at once. A lookup the check gave up on (its timeout passed) still holds its place "
              + "until the OS resolver answers; when all are taken, checks of host names fail at once as DNS "
              + "('resolver does not answer') and checks of IP addresses are not delayed.",
          Parser.intInRange(1, 4096));

  public static final List<ConfigKey<?>> KEYS =
      List.of(ALLOWED_NETWORKS, CONNECT_TIMEOUT, MAX_BODY_BYTES, USER_AGENT, MAX_REDIRECTS_CAP, DNS_MAX_IN_FLIGHT);

  /** Validates. */
  public CheckConfig {
    allowedNetworks = List.copyOf(allowedNetworks);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(userAgent, "userAgent");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive");
    }
    if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("maxBodyBytes out of range: " + maxBodyBytes);
    }
    parseUserAgent(userAgent);
    if (maxRedirectsCap < 0) {
      throw new IllegalArgumentException("maxRedirectsCap must be >= 0");
    }
    if (dnsMaxInFlight < 1) {
      throw new IllegalArgumentException("dnsMaxInFlight must be >= 1");
    }
  }

  /** Reads and validates the {@code check.*} keys; a bad value fails naming the key. */
  public static CheckConfig from(Settings s) {
    return new CheckConfig(
        s.get(ALLOWED_NETWORKS),
        s.get(CONNECT_TIMEOUT),
        s.get(MAX_BODY_BYTES),
        s.get(USER_AGENT),
        s.get(MAX_REDIRECTS_CAP),
        s.get(DNS_MAX_IN_FLIGHT));
  }

  /** The defaults, with {@code allowedNetworks} allow-listed (tests pass 127.0.0.0/8). */
  public static CheckConfig defaults(String... allowedNetworks) {
    List<AllowedNetwork> nets = new ArrayList<>();
    for (String n : allowedNetworks) {
      nets.add(AllowedNetwork.parse(n));
    }
    return new CheckConfig(
        nets, Duration.ofSeconds(5), 1024 * 1024, USER_AGENT.defaultValue().orElseThrow(), 10, Integer.parseInt(DNS_MAX_IN_FLIGHT.defaultValue().orElseThrow()));
  }

  public CheckConfig withMaxBodyBytes(long bytes) {
    return new CheckConfig(allowedNetworks, connectTimeout, bytes, userAgent, maxRedirectsCap, dnsMaxInFlight);
  }

  public CheckConfig withConnectTimeout(Duration timeout) {
    return new CheckConfig(allowedNetworks, timeout, maxBodyBytes, userAgent, maxRedirectsCap, dnsMaxInFlight);
  }

  private static List<AllowedNetwork> parseAllowed(String text) {
    List<AllowedNetwork> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(AllowedNetwork.parse(part));
      }
    }
    return List.copyOf(out);
  }

  private static String parseUserAgent(String text) {
    if (text.isEmpty() || text.length() > 200 || !text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("expected printable ASCII, 1-200 characters");
    }
    return text;
  }
}
