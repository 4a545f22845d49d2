package dev.webmon.web;

import dev.webmon.WebmonException;
import dev.webmon.store.Jdbc;
import dev.webmon.store.VersionLeases;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version lease around a publish, as the writers of published rows use it ({@link
 * PolicyService}, {@link MaintenanceService}; docs/architecture.md, Web, "Writes"): reserve the
 * next version in a short transaction (409 to a concurrent writer), publish with no connection
 * held (the lease is given back at once if the publish fails), and {@link #republish} stored rows
 * at their stored version. The lease outlives any publish: twice the publish timeout plus 5 s.
 * Thread-safe.
 */
final class LeasedPublish {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedPublish.class);

  private final DataSource dataSource;
  private final VersionLeases leases;
  private final Duration ttl;
  private final String what;

  /** @param what the rows' kind in messages, e.g. "alert policy" */
  LeasedPublish(DataSource dataSource, VersionLeases leases, Duration publishTimeout, String what) {
    this.dataSource = dataSource;
    this.leases = leases;
    this.ttl = publishTimeout.multipliedBy(2).plusSeconds(5);
    this.what = what;
  }

  Duration ttl() {
    return ttl;
  }

  /**
   * Reserves the next version of the stored row {@code key}.
   *
   * @throws ConflictException while another write holds its lease
   */
  VersionLeases.Lease reserve(String key, Supplier<? extends RuntimeException> missing) {
    VersionLeases.Reservation r = Jdbc.transaction(dataSource, c -> leases.reserve(c, key, ttl));
    if (r.busy()) {
      throw busy(key);
    }
    return r.lease().orElseThrow(missing);
  }

  /** Runs the publish; if it fails, gives the lease back (else it lapses) and rethrows. */
  void publishHolding(VersionLeases.Lease lease, Runnable publish) {
    try {
      publish.run();
    } catch (RuntimeException e) {
      try {
        release(lease);
      } catch (WebmonException r) {
        e.addSuppressed(r); // the lease lapses on its own
      }
      throw e;
    }
  }

  void release(VersionLeases.Lease lease) {
    Jdbc.transaction(
        dataSource,
        c -> {
          leases.release(c, lease);
          return null;
        });
  }

  /**
   * Publishes each stored row of {@code keys} at its stored version under a lease, then marks it
   * published.
   *
   * @param onlyUnpublished skip the rows Kafka has seen (marked published meanwhile, too)
   * @param find the row's current value; {@code version} its version
   * @return how many were published
   * @throws WebmonException if Kafka or PostgreSQL fails, or another request holds the lease of
   *     one (409); the rest stay to do
   */
  <T> int republish(
      List<String> keys, boolean onlyUnpublished, Function<String, Optional<T>> find, ToLongFunction<T> version, Consumer<T> publish) {
    int published = 0;
    for (String key : keys) {
      VersionLeases.Reservation r =
          Jdbc.transaction(dataSource, c -> onlyUnpublished ? leases.reserveUnpublished(c, key, ttl) : leases.reserve(c, key, ttl));
      if (r.busy()) {
        throw busy(key); // retried: the other write may be another instance's that dies
      }
      if (r.lease().isEmpty()) {
        continue; // published or deleted meanwhile
      }
      VersionLeases.Lease lease = r.lease().get();
      Optional<T> value = find.apply(key).filter(v -> version.applyAsLong(v) == lease.storedVersion());
      if (value.isEmpty()) {
        release(lease);
        continue;
      }
      publishHolding(lease, () -> publish.accept(value.get()));
      Jdbc.transaction(
          dataSource,
          c -> {
            leases.markPublished(c, lease);
            return null;
          });
      LOG.debug("{} {} (version {}) published", what, key, lease.storedVersion());
      published++;
    }
    return published;
  }

  ConflictException busy(String key) {
    return new ConflictException(what + " " + key + " is being changed by another request; try again in a moment");
  }
}
