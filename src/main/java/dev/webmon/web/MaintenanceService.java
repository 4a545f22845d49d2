package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.store.Jdbc;
import dev.webmon.store.MaintenanceWindows;
import dev.webmon.store.UnavailableException;
import dev.webmon.store.VersionLeases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes and deletes maintenance windows as {@link PolicyService} writes policies:
 * validate (the event contract, then that every target named exists), publish to the maintenance
 * topic (503 if Kafka does not acknowledge; nothing is stored), then write the row. A create needs
 * no lease (its random id is nobody else's; reading the targets first makes sure PostgreSQL
 * answers); a change or delete takes the row's version lease ({@link LeasedPublish}). {@link
 * #republish} publishes every stored window at its stored version (when the web starts). Every
 * change calls {@code onChange} (the status pages drop their cached models). Thread-safe.
 */
final class MaintenanceService {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceService.class);
  static final long ANY_VERSION = -1;
  private static final int ATTEMPTS = 3;

  /** For a web app built without a maintenance topic: every change is a 503. */
  static final ChangePublisher<MaintenanceWindow> UNAVAILABLE =
      new ChangePublisher<>() {
        @Override
        public void publish(MaintenanceWindow value) {
          throw unavailable();
        }

        @Override
        public void delete(String key) {
          throw unavailable();
        }

        private UnavailableException unavailable() {
          return new UnavailableException("Kafka", "This web app publishes no maintenance windows (no maintenance topic): nothing was saved.");
        }
      };

  private final DataSource dataSource;
  private final ChangePublisher<MaintenanceWindow> publisher;
  private final MaintenanceWindows store = new MaintenanceWindows();
  private final LeasedPublish leases;
  private final Clock clock;
  private final Runnable onChange;

  MaintenanceService(
      DataSource dataSource, ChangePublisher<MaintenanceWindow> publisher, Duration publishTimeout, Clock clock, Runnable onChange) {
    this.dataSource = dataSource;
    this.publisher = publisher;
    this.leases = new LeasedPublish(dataSource, VersionLeases.MAINTENANCE_WINDOWS, publishTimeout, "maintenance window");
    this.clock = clock;
    this.onChange = onChange;
  }

  /** A written window and what happened to it. */
  record Written(MaintenanceWindow window, TargetService.Action action) {}

  List<MaintenanceWindow> all() {
    return Jdbc.read(dataSource, store::all);
  }

  Optional<MaintenanceWindow> find(UUID id) {
    return Jdbc.read(dataSource, c -> store.find(c, id));
  }

  MaintenanceWindow require(UUID id) {
    return find(id).orElseThrow(() -> notFound(id.toString()));
  }

  /** Every stored target's tags, by id. */
  Map<String, List<String>> targetTags() {
    return Jdbc.read(dataSource, store::allTargetTags);
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** The window {@code body} describes (a new one), validated in full; nothing is stored. */
  MaintenanceWindow check(JsonNode body) {
    return checked(MaintenanceRequests.decode(body, UUID.randomUUID(), 1, now()));
  }

  Written create(JsonNode body) {
    MaintenanceWindow w = check(body);
    Jdbc.requireReachable(dataSource); // nothing is published while PostgreSQL is down
    publisher.publish(w);
    Jdbc.transaction(dataSource, c -> store.insert(c, w));
    LOG.info("maintenance window {} created", w.id());
    onChange.run();
    return new Written(w, TargetService.Action.CREATED);
  }

  /**
   * Replaces a window with a new version, if it is still at {@code seenVersion} (If-Match) or
   * {@code seenVersion} is {@link #ANY_VERSION}; a body equal to the stored window changes nothing.
   */
  Written update(UUID id, JsonNode body, long seenVersion) {
    for (int attempt = 1; ; attempt++) {
      MaintenanceWindow prev = require(id);
      if (seenVersion != ANY_VERSION && seenVersion != prev.version()) {
        throw new PreconditionFailedException(
            "maintenance window " + id + " is at version " + prev.version() + ", not " + seenVersion
                + "; reload it and apply your change again");
      }
      MaintenanceWindow draft = checked(MaintenanceRequests.decode(body, id, prev.version() + 1, now()));
      if (draft.title().equals(prev.title()) && draft.description().equals(prev.description())
          && draft.scope().equals(prev.scope()) && draft.schedule().equals(prev.schedule())) {
        return new Written(prev, TargetService.Action.UNCHANGED);
      }
      VersionLeases.Lease lease = leases.reserve(id.toString(), () -> notFound(id.toString()));
      if (lease.storedVersion() != prev.version()) {
        leases.release(lease);
        if (attempt == ATTEMPTS) {
          throw leases.busy(id.toString());
        }
        continue;
      }
      MaintenanceWindow next =
          new MaintenanceWindow(id, lease.version(), draft.title(), draft.description(), draft.scope(), draft.schedule(), draft.updatedAt());
      leases.publishHolding(lease, () -> publisher.publish(next));
      Jdbc.transaction(dataSource, c -> store.write(c, next));
      LOG.info("maintenance window {} updated to version {}", id, next.version());
      onChange.run();
      return new Written(next, TargetService.Action.UPDATED);
    }
  }

  /** Deletes a window: a tombstone, then the row. */
  void delete(UUID id) {
    require(id);
    VersionLeases.Lease lease = leases.reserve(id.toString(), () -> notFound(id.toString()));
    leases.publishHolding(lease, () -> publisher.delete(id.toString()));
    Jdbc.transaction(dataSource, c -> store.delete(c, id));
    LOG.info("maintenance window {} deleted", id);
    onChange.run();
  }

  /**
   * Publishes every stored window at its stored version, each under its lease, so that the topic
   * holds what PostgreSQL holds (consumers keep the highest version: a record again is harmless).
   *
   * @return how many were published
   */
  int republish() {
    return leases.republish(
        Jdbc.read(dataSource, store::ids), false, key -> find(UUID.fromString(key)), MaintenanceWindow::version, publisher::publish);
  }

  /** The window if every target it names is stored; else a 400 naming each unknown one. */
  private MaintenanceWindow checked(MaintenanceWindow w) {
    List<String> ids = w.scope().targetIds();
    if (ids.isEmpty()) {
      return w;
    }
    Map<String, List<String>> known = Jdbc.read(dataSource, c -> store.targetTags(c, ids));
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!known.containsKey(ids.get(i))) {
        errors.add(new FieldError("scope.targets[" + i + "]", "'" + ids.get(i) + "' is not the id of a stored target"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return w;
  }

  static NotFoundException notFound(String id) {
    return new NotFoundException("no maintenance window with id '" + (id.length() > 64 ? id.substring(0, 64) + "..." : id) + "'");
  }
}
