package dev.webmon.web;

import dev.webmon.WebmonException;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.InvalidEventException;
import dev.webmon.notifier.NotifySettings;
import dev.webmon.store.AlertPolicies;
import dev.webmon.store.ChannelWrites;
import dev.webmon.store.Jdbc;
import dev.webmon.store.VersionLeases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes and deletes alert policies the way {@link TargetService} writes targets:
 * validate (against the stored policies, since fields merge over {@code default}), reserve the
 * next version in a short transaction (a lease in the row, 409 to a concurrent writer), publish
 * to the policies topic with no connection held (503 if Kafka does not acknowledge; nothing is
 * stored), then write the row and clear the lease. {@link #publishPending} publishes what Kafka
 * has not seen yet (the {@code default} seeded by the migration). Thread-safe.
 */
final class PolicyService {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyService.class);
  static final long ANY_VERSION = -1;
  private static final int ATTEMPTS = 3;
  /** Targets named in the 409 of a delete of a policy still in use. */
  private static final int NAMED_USERS = 5;

  private final DataSource dataSource;
  private final PolicyPublisher publisher;
  private final AlertPolicies store;
  private final LeasedPublish leases;
  private final Clock clock;
  private final ChannelWrites channels = new ChannelWrites();

  PolicyService(DataSource dataSource, PolicyPublisher publisher, AlertPolicies store, Duration publishTimeout, Clock clock) {
    this.dataSource = dataSource;
    this.publisher = publisher;
    this.store = store;
    this.leases = new LeasedPublish(dataSource, VersionLeases.ALERT_POLICIES, publishTimeout, "alert policy");
    this.clock = clock;
  }

  /** A written policy and what happened to it. */
  record Written(AlertPolicySpec spec, TargetService.Action action) {}

  /** The stored policies, by name. */
  List<AlertPolicySpec> all() {
    return Jdbc.read(dataSource, store::all);
  }

  Optional<AlertPolicySpec> find(String name) {
    return Jdbc.read(dataSource, c -> store.find(c, name));
  }

  /** Every stored policy's notification settings, by name. */
  Map<String, NotifySettings> notifySettings() {
    Map<String, NotifySettings> out = new TreeMap<>();
    Jdbc.read(dataSource, store::notifySettings).forEach((name, json) -> out.put(name, PolicyNotify.fromStored(json)));
    return out;
  }

  NotifySettings notifyOf(String name) {
    return notifySettings().getOrDefault(name, NotifySettings.NONE);
  }

  Written create(PolicyRequest request) {
    List<AlertPolicySpec> stored = all();
    if (request.name().isEmpty()) {
      List<FieldError> errors = new ArrayList<>(List.of(new FieldError("name", "is required: 1-64 characters of [a-z0-9_-]")));
      errors.addAll(request.errors());
      throw new ValidationException(errors);
    }
    AlertPolicySpec draft = toSpec(request, request.name().get(), 1, stored);
    if (stored.stream().anyMatch(p -> p.name().equals(draft.name()))) {
      throw exists(draft.name());
    }
    VersionLeases.Lease lease =
        Jdbc.transaction(dataSource, c -> store.reserveNew(c, draft.name(), leases.ttl())).orElseThrow(() -> exists(draft.name()));
    AlertPolicySpec spec = withVersion(draft, lease.version());
    leases.publishHolding(lease, () -> publisher.publish(spec));
    NotifySettings notify = request.notifications().orElse(NotifySettings.NONE);
    Jdbc.transaction(dataSource, c -> store.write(c, spec) && store.writeNotify(c, spec.name(), notify.toJson().toString()));
    LOG.info("alert policy {} created", spec.name());
    return new Written(spec, TargetService.Action.CREATED);
  }

  /**
   * Replaces a policy with a new version, if it is still at {@code seenVersion} (If-Match) or
   * {@code seenVersion} is {@link #ANY_VERSION}; a request equal to the stored policy changes
   * nothing.
   */
  Written update(String name, PolicyRequest request, long seenVersion) {
    if (request.name().isPresent() && !request.name().get().equals(name)) {
      throw new ValidationException("name", "cannot be changed (the name is the policy's key); create a new policy instead");
    }
    for (int attempt = 1; ; attempt++) {
      List<AlertPolicySpec> stored = all();
      AlertPolicySpec prev = stored.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> notFound(name));
      if (seenVersion != ANY_VERSION && seenVersion != prev.version()) {
        throw new PreconditionFailedException(
            "alert policy " + name + " is at version " + prev.version() + ", not " + seenVersion
                + "; reload it and apply your change again");
      }
      AlertPolicySpec draft = toSpec(request, name, prev.version() + 1, stored);
      if (draft.tags().equals(prev.tags()) && draft.fields().equals(prev.fields())) {
        // Notification settings are not part of the policy's event: stored, no new version.
        if (request.notifications().isEmpty() || request.notifications().get().equals(notifyOf(name))) {
          return new Written(prev, TargetService.Action.UNCHANGED);
        }
        String json = request.notifications().get().toJson().toString();
        Jdbc.transaction(dataSource, c -> store.writeNotify(c, name, json));
        LOG.info("alert policy {}: notification settings changed", name);
        return new Written(prev, TargetService.Action.UPDATED);
      }
      VersionLeases.Lease lease = leases.reserve(name, () -> notFound(name));
      if (lease.storedVersion() != prev.version()) {
        leases.release(lease);
        if (attempt == ATTEMPTS) {
          throw leases.busy(name);
        }
        continue;
      }
      AlertPolicySpec next = withVersion(draft, lease.version());
      leases.publishHolding(lease, () -> publisher.publish(next));
      Optional<String> notify = request.notifications().map(n -> n.toJson().toString());
      Jdbc.transaction(dataSource, c -> store.write(c, next) && (notify.isEmpty() || store.writeNotify(c, name, notify.get())));
      LOG.info("alert policy {} updated to version {}", name, next.version());
      return new Written(next, TargetService.Action.UPDATED);
    }
  }

  /**
   * Deletes a policy: a tombstone, then the row.
   *
   * @throws ConflictException for {@code default} and for a policy targets still name
   */
  void delete(String name) {
    if (name.equals(AlertPolicySpec.DEFAULT)) {
      throw new ConflictException("the policy 'default' cannot be deleted: it applies to every target (change its fields instead)");
    }
    AlertPolicies.Users users = Jdbc.read(dataSource, c -> store.targetsNaming(c, name, NAMED_USERS));
    if (users.total() > 0) {
      String some = users.first().stream().map(u -> u.name() + " (" + u.id() + ")").collect(Collectors.joining(", "));
      throw new ConflictException(
          "alert policy " + name + " is named by " + users.total() + " target(s): " + some
              + (users.total() > users.first().size() ? ", ..." : "") + "; change their alert policy first");
    }
    VersionLeases.Lease lease = leases.reserve(name, () -> notFound(name));
    leases.publishHolding(lease, () -> publisher.delete(name));
    Jdbc.transaction(dataSource, c -> store.delete(c, name));
    LOG.info("alert policy {} deleted", name);
  }

  /**
   * Publishes every stored policy Kafka has not seen yet (the {@code default} the migration
   * seeded), each at its stored version under a lease.
   *
   * @return how many were published
   * @throws WebmonException if Kafka or PostgreSQL fails, or another request holds the lease of
   *     one (409); the rest stay pending
   */
  int publishPending() {
    return leases.republish(Jdbc.read(dataSource, store::unpublished), true, this::find, AlertPolicySpec::version, publisher::publish);
  }

  /** Validates a request into a policy at {@code version}, against the stored ones. */
  private AlertPolicySpec toSpec(PolicyRequest request, String name, long version, List<AlertPolicySpec> stored) {
    List<FieldError> errors = new ArrayList<>(request.errors());
    errors.addAll(notifyErrors(request));
    AlertPolicySpec spec = null;
    try {
      AlertPolicySpec.name(name, "name");
    } catch (InvalidEventException e) {
      errors.add(AlertFields.error(e, ""));
    }
    try {
      // The tags alone, under a valid name, so that a bad name does not hide a bad tag.
      new AlertPolicySpec(AlertPolicySpec.DEFAULT, 1, request.tags(), request.fields(), Instant.EPOCH);
    } catch (InvalidEventException e) {
      errors.add(AlertFields.error(e, ""));
    }
    if (errors.isEmpty()) {
      spec = new AlertPolicySpec(name, version, request.tags(), request.fields(), now());
      List<AlertPolicySpec> others = stored.stream().filter(p -> !p.name().equals(name)).toList();
      errors.addAll(AlertRules.policyErrors(spec, others));
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return spec;
  }

  /** The escalation's channels that do not exist, as field errors. */
  private List<FieldError> notifyErrors(PolicyRequest request) {
    List<FieldError> errors = new ArrayList<>();
    if (request.notifications().isEmpty() || request.notifications().get().channelIds().isEmpty()) {
      return errors;
    }
    NotifySettings n = request.notifications().get();
    List<String> missing = Jdbc.read(dataSource, c -> channels.missing(c, n.channelIds()));
    for (int i = 0; i < n.escalation().size(); i++) {
      List<String> ids = n.escalation().get(i).channels();
      for (int j = 0; j < ids.size(); j++) {
        if (missing.contains(ids.get(j))) {
          errors.add(new FieldError("notify.escalation[" + i + "].channels[" + j + "]", "no channel with id '" + ids.get(j) + "'"));
        }
      }
    }
    return errors;
  }

  private static AlertPolicySpec withVersion(AlertPolicySpec s, long version) {
    return new AlertPolicySpec(s.name(), version, s.tags(), s.fields(), s.updatedAt());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  static NotFoundException notFound(String name) {
    return new NotFoundException("no alert policy named '" + name + "'");
  }

  private static ConflictException exists(String name) {
    return new ConflictException("an alert policy named '" + name + "' already exists (or is being created); choose another name");
  }
}
