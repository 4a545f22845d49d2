package dev.webmon.ops;

/** Reports a component's health; called for every request to {@code /health} and {@code /ready}. */
@FunctionalInterface
public interface HealthProbe {
  /** Must be quick (no unbounded I/O: wrap slow checks in {@link CachedCheck}) and thread-safe. */
  Health health();
}
