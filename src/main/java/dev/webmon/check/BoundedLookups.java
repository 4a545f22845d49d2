package dev.webmon.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Resolver} over a blocking lookup (the OS resolver), with at most {@code maxInFlight}
 * lookups running at once. A caller waits at most its timeout; a lookup it gave up on keeps its
 * thread and its permit until the OS resolver returns. When every permit is taken (a resolver
 * that stopped answering), a lookup fails at once as "busy" instead of starting one more blocked
 * thread: checks of other names then fail fast as {@code DNS}, and checks of IP literals, which
 * never get here, keep their schedule. Lookups run on platform daemon threads, one per lookup and
 * never more than the permits: a native lookup on a virtual thread would pin its carrier, and
 * enough of them stall every virtual thread of the JVM. Thread-safe.
 */
final class BoundedLookups implements Resolver {
  /** The blocking lookup, {@link InetAddress#getAllByName} in production. */
  @FunctionalInterface
  interface Lookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  /** The lookups are refused because {@code maxInFlight} are still running. */
  static final class BusyException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    BusyException(String message) {
      super(message);
    }
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Lookup lookup;
  private final Semaphore permits;
  private final int maxInFlight;

  BoundedLookups(Lookup lookup, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1");
    }
    this.lookup = lookup;
    this.maxInFlight = maxInFlight;
    this.permits = new Semaphore(maxInFlight);
  }

  /** Lookups running now (including those their callers gave up on). */
  int inFlight() {
    return maxInFlight - permits.availablePermits();
  }

  @Override
  public InetAddress[] resolve(String host, long timeoutNanos) throws UnknownHostException, TimeoutException, InterruptedException {
    if (!permits.tryAcquire()) {
      throw new BusyException(
          maxInFlight + " DNS lookups are still running (the resolver does not answer); not starting another for " + host);
    }
    CompletableFuture<InetAddress[]> f = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("webmon-dns-" + THREADS.incrementAndGet())
        .start(
            () -> {
              try {
                f.complete(lookup.lookup(host));
              } catch (Throwable e) {
                f.completeExceptionally(e);
              } finally {
                permits.release();
              }
            });
    try {
      return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException u) {
        throw u;
      }
      UnknownHostException u = new UnknownHostException(host + ": " + e.getCause());
      u.initCause(e.getCause());
      throw u;
    }
  }
}
