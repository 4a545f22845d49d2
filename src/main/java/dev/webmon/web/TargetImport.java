package dev.webmon.web;

import dev.webmon.event.TargetSpec;
import dev.webmon.store.Jdbc;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetLeases;
import dev.webmon.store.Targets;
import dev.webmon.store.UnavailableException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The import: applies a list of targets idempotently. An entry whose URL and name match a stored
 * target updates it (or leaves it unchanged), any other creates a target; targets not in the list
 * are kept. All or nothing up to Kafka: every entry is resolved against the stored targets and
 * validated (address checks in parallel on a bounded pool) before anything is published, so an
 * import with any invalid entry changes nothing; the versions of the stored targets it changes are
 * leased in one short transaction (409 if another write holds one); then all records are sent
 * pipelined with one flush and no connection held, and the rows are upserted in batches in one
 * more transaction. Only if Kafka fails part-way is an import partly applied (the acknowledged
 * entries, in the topic and the table alike); the 503 says so, and running the same import again
 * completes it. Thread-safe.
 */
final class TargetImport {
  private static final Logger LOG = LoggerFactory.getLogger(TargetImport.class);
  /** Entries validated at once: the address checks may wait for DNS (up to 2 s each). */
  private static final int VALIDATORS = 32;

  private final DataSource dataSource;
  private final TargetService service;
  private final TargetPublisher publisher;
  private final TargetValidator validator;
  private final Targets store;
  private final TargetLeases leases;

  TargetImport(
      DataSource dataSource,
      TargetService service,
      TargetPublisher publisher,
      TargetValidator validator,
      Targets store,
      TargetLeases leases) {
    this.dataSource = dataSource;
    this.service = service;
    this.publisher = publisher;
    this.validator = validator;
    this.store = store;
    this.leases = leases;
  }

  /** What an import did, entry by entry. */
  record Result(List<TargetService.Written> entries) {
    long count(TargetService.Action action) {
      return entries.stream().filter(w -> w.action() == action).count();
    }
  }

  /** What one entry will do once validated. */
  private record Plan(TargetSpec spec, StoredTarget previous, TargetService.Action action) {}

  /**
   * Imports the entries.
   *
   * @throws ValidationException naming every offending entry and field; nothing was changed
   * @throws ConflictException if a target to change is being changed by another write; nothing was changed
   */
  Result run(List<TargetRequest> requests) {
    long started = System.nanoTime();
    Instant now = service.now();
    int n = requests.size();
    List<String> urls = new ArrayList<>(n);
    List<String> names = new ArrayList<>(n);
    List<List<FieldError>> errors = new ArrayList<>(n);
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < n; i++) {
      TargetRequest request = requests.get(i);
      String url = request.url().orElse("").strip();
      String name = request.name().map(String::strip).orElseGet(() -> defaultName(url));
      urls.add(url);
      names.add(name);
      List<FieldError> own = new ArrayList<>();
      if (!url.isEmpty() && firstIndex.putIfAbsent(url + "\n" + name, i) != null) {
        own.add(new FieldError(prefix(i) + "url", "the same URL and name appear earlier in the file"));
      }
      errors.add(own);
    }
    Map<String, List<StoredTarget>> stored = new HashMap<>();
    for (StoredTarget s : Jdbc.read(dataSource, c -> store.findByUrlsAndNames(c, urls, names))) {
      stored.computeIfAbsent(s.spec().url() + "\n" + s.spec().name(), k -> new ArrayList<>()).add(s);
    }

    Plan[] plans = new Plan[n];
    try (ExecutorService pool = Executors.newFixedThreadPool(VALIDATORS, Thread.ofVirtual().name("webmon-import-", 0).factory())) {
      for (int i = 0; i < n; i++) {
        int index = i;
        List<StoredTarget> matches = stored.getOrDefault(urls.get(i) + "\n" + names.get(i), List.of());
        pool.execute(() -> plan(index, requests.get(index), matches, now, plans, errors.get(index)));
      }
    } // close() waits for every task
    List<FieldError> all = new ArrayList<>();
    errors.forEach(all::addAll);
    if (!all.isEmpty()) {
      throw new ValidationException(all);
    }
    List<TargetSpec> specs = new ArrayList<>(n);
    for (Plan p : plans) {
      specs.add(p.spec());
    }
    service.checkAlerting(specs, TargetImport::prefix);
    return apply(plans, started);
  }

  private void plan(
      int index, TargetRequest request, List<StoredTarget> matches, Instant now, Plan[] plans, List<FieldError> errors) {
    String prefix = prefix(index);
    try {
      if (matches.size() > 1) {
        errors.add(
            new FieldError(prefix + "url", matches.size() + " stored targets have this URL and name; change them by id instead"));
      } else if (matches.isEmpty()) {
        plans[index] = new Plan(validator.toSpec(request, TargetService.newId(), 1, now, prefix), null, TargetService.Action.CREATED);
      } else {
        StoredTarget prev = matches.get(0);
        TargetSpec draft = validator.toSpec(request, prev.spec().id(), prev.spec().version() + 1, now, prev.spec(), prefix);
        boolean same = TargetService.sameContent(prev.spec(), draft);
        plans[index] =
            same
                ? new Plan(prev.spec(), prev, TargetService.Action.UNCHANGED)
                : new Plan(draft, prev, TargetService.Action.UPDATED);
      }
    } catch (ValidationException e) {
      errors.addAll(e.errors());
    }
  }

  private Result apply(Plan[] plans, long started) {
    List<String> changed = new ArrayList<>();
    for (Plan p : plans) {
      if (p.action() == TargetService.Action.UPDATED) {
        changed.add(p.spec().id());
      }
    }
    Map<String, TargetLeases.Lease> held = Map.of();
    if (changed.isEmpty()) {
      Jdbc.requireReachable(dataSource); // nothing published while PostgreSQL is down
    } else {
      held = service.reserveAll(changed, plans.length).leases();
    }
    List<TargetSpec> records = new ArrayList<>();
    List<TargetService.Written> written = new ArrayList<>(plans.length);
    for (Plan p : plans) {
      TargetSpec spec = p.spec();
      if (p.action() == TargetService.Action.UPDATED) {
        TargetLeases.Lease lease = held.get(spec.id());
        if (lease == null || lease.storedVersion() != p.previous().spec().version()) {
          service.release(held.values());
          throw new ConflictException(
              "target " + spec.id() + " changed while the import was being checked; nothing was imported. Try again.");
        }
        spec = spec.toBuilder().version(lease.version()).build();
      }
      if (p.action() != TargetService.Action.UNCHANGED) {
        records.add(spec);
      }
      Instant createdAt = p.previous() == null ? spec.updatedAt() : p.previous().createdAt();
      written.add(new TargetService.Written(spec, createdAt, p.action()));
    }
    Map<String, TargetLeases.Lease> leased = held;
    BitSet[] acknowledged = new BitSet[1];
    service.publishHolding(leased.values(), () -> acknowledged[0] = records.isEmpty() ? new BitSet() : publisher.publishAll(records));
    List<TargetSpec> stored = new ArrayList<>(acknowledged[0].cardinality());
    acknowledged[0].stream().forEach(i -> stored.add(records.get(i)));
    Jdbc.transaction(
        dataSource,
        c -> {
          store.upsertAll(c, stored);
          leases.release(c, leased.values());
          return null;
        });
    for (TargetService.Written w : written) {
      LOG.debug("import: target {} {} (version {})", w.spec().id(), w.action(), w.spec().version());
    }
    if (stored.size() < records.size()) {
      LOG.warn("import of {} entries: only {} of {} changes reached Kafka", plans.length, stored.size(), records.size());
      throw new UnavailableException(
          "Kafka",
          "Kafka is unavailable: " + stored.size() + " of the " + records.size()
              + " changes of this import were saved, the rest were not. Import the same file again when the cluster is reachable; it completes the import.");
    }
    Result result = new Result(written);
    LOG.info(
        "imported {} entries in {} ms: {} created, {} updated, {} unchanged",
        plans.length,
        (System.nanoTime() - started) / 1_000_000,
        result.count(TargetService.Action.CREATED),
        result.count(TargetService.Action.UPDATED),
        result.count(TargetService.Action.UNCHANGED));
    return result;
  }

  private static String defaultName(String url) {
    try {
      return TargetValidator.defaultName(URI.create(url));
    } catch (IllegalArgumentException e) {
      return ""; // the URL is reported by validation
    }
  }

  private static String prefix(int index) {
    return "targets[" + index + "].";
  }
}
