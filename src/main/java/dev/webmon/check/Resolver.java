package dev.webmon.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Resolves host names; must return within the given time. Thread-safe. */
@FunctionalInterface
interface Resolver {
  /**
   * The addresses of {@code host}, in preference order, non-empty.
   *
   * @throws UnknownHostException if the name does not resolve
   * @throws TimeoutException if no answer came within {@code timeoutNanos}
   */
  InetAddress[] resolve(String host, long timeoutNanos) throws UnknownHostException, TimeoutException, InterruptedException;

  /**
   * The JVM's resolver (the OS resolver, behind the JVM's positive cache of 30 s), run on a
   * virtual thread so that a resolver that hangs cannot hold a check past its deadline; the
   * lookup itself is left to finish in the background.
   */
  static Resolver system() {
    return (host, timeoutNanos) -> {
      CompletableFuture<InetAddress[]> f = new CompletableFuture<>();
      Thread.ofVirtual()
          .name("webmon-dns")
          .start(
              () -> {
                try {
                  f.complete(InetAddress.getAllByName(host));
                } catch (Throwable e) {
                  f.completeExceptionally(e);
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
    };
  }
}
