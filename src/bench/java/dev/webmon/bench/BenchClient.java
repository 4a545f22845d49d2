package dev.webmon.bench;

/**
 * One way of checking a URL, measured by {@link CheckerBench}: our checker, or another HTTP
 * client doing the same work (fresh connection, status, body, pattern). Thread-safe.
 */
public interface BenchClient extends AutoCloseable {
  /** A short name for reports, e.g. {@code webmon}. */
  String name();

  /** Runs one check; true if it is UP (expected status and pattern found). Never throws. */
  boolean check();

  @Override
  default void close() {}
}
