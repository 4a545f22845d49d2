package dev.webmon.web;

import dev.webmon.WebmonException;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.AlertPolicies;
import dev.webmon.store.Jdbc;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetLeases;
import dev.webmon.store.Targets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes and deletes targets: validate, publish to the targets topic (the source of
 * truth, acks=all), and only then write the PostgreSQL row so the user reads their own write. If
 * Kafka does not acknowledge, nothing is written and the caller gets a 503. No pooled connection
 * is held while Kafka is waited for: a change of a stored target first reserves its next version
 * in a short transaction (a lease in the row, {@link TargetLeases}), publishes with no connection
 * held, then writes the row and clears the lease in a second short transaction; a concurrent
 * writer meeting a live lease gets 409. A version is handed out once, so versions never fork
 * across web instances. Thread-safe.
 */
final class TargetService {
  private static final Logger LOG = LoggerFactory.getLogger(TargetService.class);
  /** No version precondition (versions start at 1). */
  static final long ANY_VERSION = -1;
  /** Reservations lost to a concurrent change between reading and leasing before giving up with 409. */
  private static final int ATTEMPTS = 3;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final DataSource dataSource;
  private final TargetPublisher publisher;
  private final TargetValidator validator;
  private final Targets store;
  private final TargetLeases leases;
  private final AlertPolicies policies;
  private final Duration leaseTtl;
  private final Clock clock;

  /**
   * @param publishTimeout the publisher's bound on one wait for Kafka; a lease outlives twice that
   *     (plus a margin), so it never lapses while its publish may still land
   */
  TargetService(
      DataSource dataSource,
      TargetPublisher publisher,
      TargetValidator validator,
      Targets store,
      TargetLeases leases,
      AlertPolicies policies,
      Duration publishTimeout,
      Clock clock) {
    this.dataSource = dataSource;
    this.publisher = publisher;
    this.validator = validator;
    this.store = store;
    this.leases = leases;
    this.policies = policies;
    this.leaseTtl = publishTimeout.multipliedBy(2).plusSeconds(5);
    this.clock = clock;
  }

  /** The outcome of a write. */
  enum Action {
    CREATED,
    UPDATED,
    UNCHANGED,
    DELETED
  }

  /** A written target and what happened to it. */
  record Written(TargetSpec spec, Instant createdAt, Action action) {}

  Written create(TargetRequest request) {
    Instant now = now();
    TargetSpec spec = validator.toSpec(request, newId(), 1, now, "");
    checkAlerting(List.of(spec), i -> "");
    // A new id is nobody else's yet, so no lease is needed. Ask PostgreSQL first, so that with it
    // down nothing is published; the connection goes back before Kafka is waited for.
    Jdbc.requireReachable(dataSource);
    publisher.publish(spec);
    Jdbc.transaction(dataSource, c -> store.upsert(c, spec));
    LOG.info("target {} created ({})", spec.id(), spec.url().getHost());
    return new Written(spec, now, Action.CREATED);
  }

  /** Replaces a target with a new version; a request equal to the stored target changes nothing. */
  Written update(String id, TargetRequest request) {
    return update(id, request, ANY_VERSION);
  }

  /**
   * Like {@link #update(String, TargetRequest)}, but only if the stored target is still at {@code
   * seenVersion}, the version the client last saw (HTTP If-Match).
   *
   * @throws PreconditionFailedException if it is not
   */
  Written updateIfAt(String id, TargetRequest request, long seenVersion) {
    return update(id, request, seenVersion);
  }

  /** @param seenVersion the version the stored target must be at, or {@link #ANY_VERSION} */
  private Written update(String id, TargetRequest request, long seenVersion) {
    for (int attempt = 1; ; attempt++) {
      // Validation (it may wait for DNS) runs on the row as read, with no connection held.
      StoredTarget prev = Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> notFound(id));
      if (seenVersion != ANY_VERSION && seenVersion != prev.spec().version()) {
        throw new PreconditionFailedException(
            "target " + id + " is at version " + prev.spec().version() + ", not " + seenVersion
                + "; reload it and apply your change again");
      }
      TargetSpec draft = validator.toSpec(request, id, prev.spec().version() + 1, now(), prev.spec(), "");
      checkAlerting(List.of(draft), i -> "");
      if (sameContent(prev.spec(), draft)) {
        return new Written(prev.spec(), prev.createdAt(), Action.UNCHANGED);
      }
      TargetLeases.Lease lease = reserve(id);
      if (lease.storedVersion() != prev.spec().version()) {
        // Changed since it was read: validate against the new row (masked headers, If-Match).
        release(List.of(lease));
        if (attempt == ATTEMPTS) {
          throw busy(id);
        }
        continue;
      }
      TargetSpec next = draft.toBuilder().version(lease.version()).build();
      publishHolding(List.of(lease), () -> publisher.publish(next));
      Jdbc.transaction(
          dataSource,
          c -> {
            store.upsert(c, next);
            leases.release(c, List.of(lease));
            return null;
          });
      LOG.info("target {} updated to version {}", id, next.version());
      return new Written(next, prev.createdAt(), Action.UPDATED);
    }
  }

  void delete(String id) {
    TargetLeases.Lease lease = reserve(id);
    publishHolding(List.of(lease), () -> publisher.delete(id));
    Jdbc.transaction(dataSource, c -> store.delete(c, id));
    LOG.info("target {} deleted", id);
  }

  /**
   * Checks the alerting of targets against the stored policies (a named policy must exist, the
   * merge must be complete: {@link AlertRules}); PostgreSQL is read only if one names a policy or
   * overrides a field (a policy found by tag was checked when it was written).
   *
   * @param prefix the error prefix of the i-th target
   * @throws ValidationException naming every offending field
   */
  void checkAlerting(List<TargetSpec> specs, java.util.function.IntFunction<String> prefix) {
    if (specs.stream().noneMatch(s -> s.alertPolicy().isPresent() || !s.alertOverrides().isEmpty())) {
      return;
    }
    List<AlertPolicySpec> stored = Jdbc.read(dataSource, policies::all);
    List<FieldError> errors = new java.util.ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      errors.addAll(AlertRules.targetErrors(specs.get(i), stored, prefix.apply(i)));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
  }

  private TargetLeases.Lease reserve(String id) {
    TargetLeases.Reservation r = Jdbc.transaction(dataSource, c -> leases.reserve(c, List.of(id), leaseTtl));
    if (!r.reserved()) {
      throw busy(id);
    }
    TargetLeases.Lease lease = r.leases().get(id);
    if (lease == null) {
      throw notFound(id);
    }
    return lease;
  }

  /**
   * Reserves the next version of each stored target of an import in one short transaction.
   *
   * @throws ConflictException if any is being changed by another write (nothing is reserved)
   */
  TargetLeases.Reservation reserveAll(Collection<String> ids, int records) {
    // A large import takes longer to publish: one more second per 1000 records.
    Duration ttl = leaseTtl.plusSeconds(records / 1000);
    TargetLeases.Reservation r = Jdbc.transaction(dataSource, c -> leases.reserve(c, ids, ttl));
    if (!r.reserved()) {
      throw new ConflictException(
          r.busy().size() + " target(s) of the import are being changed by another request (e.g. " + r.busy().get(0)
              + "); nothing was imported. Try again.");
    }
    return r;
  }

  /** Runs a publish; if it fails the leases are cleared (their versions stay used) and it rethrows. */
  void publishHolding(Collection<TargetLeases.Lease> held, Runnable publish) {
    try {
      publish.run();
    } catch (RuntimeException e) {
      try {
        release(held);
      } catch (WebmonException r) {
        e.addSuppressed(r); // the leases lapse on their own
      }
      throw e;
    }
  }

  void release(Collection<TargetLeases.Lease> held) {
    Jdbc.transaction(
        dataSource,
        c -> {
          leases.release(c, held);
          return null;
        });
  }

  static boolean sameContent(TargetSpec a, TargetSpec b) {
    return a.toBuilder().version(1).updatedAt(Instant.EPOCH).build()
        .equals(b.toBuilder().version(1).updatedAt(Instant.EPOCH).build());
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("no target with id '" + id + "'");
  }

  private static ConflictException busy(String id) {
    return new ConflictException("target " + id + " is being changed by another request; try again in a moment");
  }

  /** A new random id: 16 characters of an unambiguous lower-case alphabet (80 bits). */
  static String newId() {
    char[] id = new char[16];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
    }
    return new String(id).toLowerCase(Locale.ROOT);
  }
}
