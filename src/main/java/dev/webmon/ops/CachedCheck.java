package dev.webmon.ops;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A check that costs a round trip (a database query, a Kafka metadata request), run at most once
 * per {@code maxAge} on a virtual thread of its own and waited for at most {@code wait}: a burst of
 * probes costs one round trip, and a dependency that hangs makes the probe answer "no answer"
 * instead of hanging it too (and never starts a second attempt while one is still running).
 * Thread-safe.
 */
public final class CachedCheck {
  private final String name;
  private final Supplier<Check> check;
  private final long maxAgeNanos;
  private final Duration wait;
  private CompletableFuture<Check> current;
  private long startedNanos;

  /**
   * @param check runs the round trip; may block and throw (an exception is a failed check)
   */
  public CachedCheck(String name, Supplier<Check> check, Duration maxAge, Duration wait) {
    this.name = Objects.requireNonNull(name, "name");
    this.check = Objects.requireNonNull(check, "check");
    this.maxAgeNanos = maxAge.toNanos();
    this.wait = Objects.requireNonNull(wait, "wait");
  }

  /** The latest result, refreshed when older than {@code maxAge}. */
  public Check get() {
    CompletableFuture<Check> f;
    synchronized (this) {
      long now = System.nanoTime();
      if (current == null || (current.isDone() && now - startedNanos > maxAgeNanos)) {
        startedNanos = now;
        current = start();
      }
      f = current;
    }
    try {
      return f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Check.failed(name, "no answer within " + wait.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.failed(name, "interrupted");
    } catch (ExecutionException e) {
      return Check.failed(name, String.valueOf(e.getCause()));
    }
  }

  private CompletableFuture<Check> start() {
    CompletableFuture<Check> f = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("webmon-check-" + name)
        .start(
            () -> {
              try {
                f.complete(check.get());
              } catch (RuntimeException e) {
                f.complete(Check.failed(name, e.toString()));
              }
            });
    return f;
  }
}
