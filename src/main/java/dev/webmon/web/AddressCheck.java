package dev.webmon.web;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.CheckConfig;
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
 * The agents' {@link AddressPolicy} applied when a target is created or changed, so a user learns
 * at once that a URL points at a loopback, private or link-local address rather than from DOWN
 * (BLOCKED_ADDRESS) results later. A host that does not resolve now (or not within the DNS
 * timeout) is accepted: the agent reports DNS. Implementations are thread-safe.
 */
@FunctionalInterface
public interface AddressCheck {
  /** How long creation waits for name resolution before accepting the host. */
  Duration DNS_TIMEOUT = Duration.ofSeconds(2);

  /** Why the URL's host may not be checked, as a sentence for the user, or empty. */
  Optional<String> problem(URI url);

  /** Allows every address (tests that do not exercise the policy). */
  static AddressCheck allowAll() {
    return url -> Optional.empty();
  }

  /** The policy of {@code check.allowed-networks}, as the agents apply it. */
  static AddressCheck fromConfig(CheckConfig config) {
    return of(AddressPolicy.fromConfig(config), DNS_TIMEOUT);
  }

  /**
   * Checks every address the URL's host resolves to against the policy.
   *
   * @param dnsTimeout how long to wait for name resolution before accepting the host
   */
  static AddressCheck of(AddressPolicy policy, Duration dnsTimeout) {
    return url -> {
      String host = url.getHost();
      if (host == null) {
        return Optional.empty();
      }
      boolean literal = host.startsWith("[") || host.matches("[0-9.]+");
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      for (InetAddress address : resolve(host, dnsTimeout)) {
        Optional<String> refusal = policy.refusal(address);
        if (refusal.isPresent()) {
          return Optional.of(literal ? refusal.get() : "host " + host + " resolves to " + refusal.get());
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
        // UnknownHostException (does not resolve now) or a resolver failure: the agent reports DNS.
        assert e.getCause() instanceof UnknownHostException || e.getCause() != null;
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
}
