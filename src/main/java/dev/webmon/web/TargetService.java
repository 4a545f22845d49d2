package dev.webmon.web;

import dev.webmon.event.TargetSpec;
import dev.webmon.store.Jdbc;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.Targets;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes and deletes targets: validate, publish to the targets topic (the source of
 * truth, acks=all), and only then write the PostgreSQL row so the user reads their own write. If
 * Kafka does not acknowledge, nothing is written anywhere and the caller gets a 503. Changes to
 * one target are serialised across web instances by a row lock held while publishing, so versions
 * never fork. Thread-safe.
 */
final class TargetService {
  private static final Logger LOG = LoggerFactory.getLogger(TargetService.class);
  /** No version precondition (versions start at 1). */
  private static final long ANY_VERSION = -1;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private final DataSource dataSource;
  private final TargetPublisher publisher;
  private final TargetValidator validator;
  private final Targets store;
  private final Clock clock;

  TargetService(DataSource dataSource, TargetPublisher publisher, TargetValidator validator, Targets store, Clock clock) {
    this.dataSource = dataSource;
    this.publisher = publisher;
    this.validator = validator;
    this.store = store;
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
    return insert(spec, now);
  }

  private Written insert(TargetSpec spec, Instant now) {
    // Take the connection first: with PostgreSQL down nothing is published either.
    Jdbc.transaction(
        dataSource,
        c -> {
          publisher.publish(spec);
          return store.upsert(c, spec);
        });
    LOG.info("target {} created ({})", spec.id(), spec.url().getHost());
    return new Written(spec, now, Action.CREATED);
  }

  /** Replaces a target with a new version; a request equal to the stored target changes nothing. */
  Written update(String id, TargetRequest request) {
    return update(id, request, ANY_VERSION, "");
  }

  /**
   * Like {@link #update(String, TargetRequest)}, but only if the stored target is still at {@code
   * seenVersion}, the version the client last saw (HTTP If-Match).
   *
   * @throws PreconditionFailedException if it is not
   */
  Written updateIfAt(String id, TargetRequest request, long seenVersion) {
    return update(id, request, seenVersion, "");
  }

  /** @param seenVersion the version the stored target must be at, or {@link #ANY_VERSION} */
  private Written update(String id, TargetRequest request, long seenVersion, String prefix) {
    return Jdbc.transaction(
        dataSource,
        c -> {
          StoredTarget prev = store.lock(c, id).orElseThrow(() -> notFound(id));
          if (seenVersion != ANY_VERSION && seenVersion != prev.spec().version()) {
            throw new PreconditionFailedException(
                "target " + id + " is at version " + prev.spec().version() + ", not " + seenVersion
                    + "; reload it and apply your change again");
          }
          TargetSpec next =
              validator.toSpec(request, id, prev.spec().version() + 1, now(), prev.spec(), prefix);
          if (sameContent(prev.spec(), next)) {
            return new Written(prev.spec(), prev.createdAt(), Action.UNCHANGED);
          }
          publisher.publish(next);
          store.upsert(c, next);
          LOG.info("target {} updated to version {}", id, next.version());
          return new Written(next, prev.createdAt(), Action.UPDATED);
        });
  }

  void delete(String id) {
    Jdbc.transaction(
        dataSource,
        c -> {
          store.lock(c, id).orElseThrow(() -> notFound(id));
          publisher.delete(id);
          store.delete(c, id);
          LOG.info("target {} deleted", id);
          return null;
        });
  }

  /** What an import did, entry by entry. */
  record ImportResult(List<Written> entries) {
    long count(Action action) {
      return entries.stream().filter(w -> w.action() == action).count();
    }
  }

  /**
   * Applies a list of targets idempotently: an entry whose URL and name match a stored target
   * updates it (or leaves it unchanged), any other creates a target. Targets not in the list are
   * kept. Every entry is validated before anything is published; a failure while applying (Kafka
   * gone) leaves the entries applied so far, and running the same import again completes it.
   */
  ImportResult importAll(List<TargetRequest> requests) {
    Instant now = now();
    List<FieldError> errors = new ArrayList<>();
    Set<String> identities = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      String prefix = "targets[" + i + "].";
      try {
        TargetSpec draft = validator.toSpec(requests.get(i), "import-" + i, 1, now, prefix);
        if (!identities.add(draft.url() + "\n" + draft.name())) {
          errors.add(new FieldError(prefix + "url", "the same URL and name appear earlier in the file"));
        }
      } catch (ValidationException e) {
        // Masked header values (as exported) are resolved against the stored target when applied.
        boolean onlyMasked =
            e.errors().stream().allMatch(f -> f.message().contains(TargetValidator.MASK));
        if (!onlyMasked) {
          errors.addAll(e.errors());
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    List<Written> written = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      written.add(importOne(requests.get(i), i, now));
    }
    return new ImportResult(written);
  }

  private Written importOne(TargetRequest request, int index, Instant now) {
    String prefix = "targets[" + index + "].";
    String url = request.url().orElse("").strip();
    // The URL passed validation above, so it parses.
    String name = request.name().map(String::strip).orElseGet(() -> TargetValidator.defaultName(URI.create(url)));
    List<TargetSpec> matches = Jdbc.read(dataSource, c -> store.findByUrlAndName(c, url, name));
    if (matches.size() > 1) {
      throw new ValidationException(
          prefix + "url", matches.size() + " stored targets have this URL and name; change them by id instead");
    }
    if (matches.isEmpty()) {
      TargetSpec spec = validator.toSpec(request, newId(), 1, now, prefix);
      return insert(spec, now);
    }
    return update(matches.get(0).id(), request, ANY_VERSION, prefix);
  }

  private static boolean sameContent(TargetSpec a, TargetSpec b) {
    return a.toBuilder().version(1).updatedAt(Instant.EPOCH).build()
        .equals(b.toBuilder().version(1).updatedAt(Instant.EPOCH).build());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("no target with id '" + id + "'");
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
