package dev.webmon.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Resolves host names; must return within the given time. Thread-safe. */
@FunctionalInterface
public interface Resolver {
  /**
   * The addresses of {@code host}, in preference order, non-empty.
   *
   * @throws UnknownHostException if the name does not resolve
   * @throws TimeoutException if no answer came within {@code timeoutNanos}
   */
  InetAddress[] resolve(String host, long timeoutNanos) throws UnknownHostException, TimeoutException, InterruptedException;

  /**
   * The JVM's resolver (the OS resolver, behind the JVM's positive cache of 30 s), with at most
   * {@code maxInFlight} lookups at once; see {@link BoundedLookups}.
   */
  static Resolver system(int maxInFlight) {
    return new BoundedLookups(InetAddress::getAllByName, maxInFlight);
  }
}
