package dev.webmon.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.store.Notifications;
import dev.webmon.store.NotifyChannels;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one channel's notifications, one at a time: in one PostgreSQL transaction it claims
 * the channel's oldest pending row ({@link Notifications#claimHead}, {@code FOR UPDATE SKIP
 * LOCKED}), and for an OPENED row the other OPENED rows of its grouping window, sends them as one
 * message, logs the attempt and moves the rows on (delivered, retry at, failed), and for a
 * give-up queues a GIVE_UP notification to the admin channel. A crash before the commit leaves
 * the rows pending and unlocked: they are sent again with the same dedup key (at least once).
 * Delivery does not depend on the kind: reminders and escalations are rows like the
 * transitions. Thread-safe: channels are built once per (id, version) and shared.
 */
final class Deliveries {
  private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

  private final DataSource ds;
  private final ChannelFactory factory;
  private final NotifierConfig config;
  private final Backoff backoff;
  private final Clock clock;
  private final NotifierMetrics metrics;
  private final GroupWindow window;
  private final EventCodec codec = new EventCodec();
  private final Map<String, Built> channels = new ConcurrentHashMap<>();

  private record Built(long version, Channel channel) {}

  Deliveries(
      DataSource ds,
      ChannelFactory factory,
      NotifierConfig config,
      Backoff backoff,
      Clock clock,
      NotifierMetrics metrics) {
    this.ds = ds;
    this.factory = factory;
    this.config = config;
    this.backoff = backoff;
    this.clock = clock;
    this.metrics = metrics;
    this.window = new GroupWindow(config.groupWait());
  }

  /**
   * Delivers the channel's oldest due notification (with its group), if there is one and no
   * other worker holds the channel. Returns whether it did.
   *
   * @throws SQLException when PostgreSQL fails (nothing changed)
   */
  boolean deliverOnce(String channelId) throws SQLException {
    List<Runnable> afterCommit = new ArrayList<>();
    boolean did;
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        did = deliver(c, channelId, afterCommit);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      }
    }
    afterCommit.forEach(Runnable::run);
    return did;
  }

  private boolean deliver(Connection c, String channelId, List<Runnable> afterCommit) throws SQLException {
    Optional<Notifications.Pending> claimed = Notifications.claimHead(c, channelId, GroupWindow.now(clock));
    if (claimed.isEmpty()) {
      return false;
    }
    Notifications.Pending head = claimed.get();
    Optional<NotifyChannels.Row> row = NotifyChannels.find(c, channelId);
    Channel channel;
    try {
      channel = channel(row.orElseThrow(() -> new ChannelFactory.InvalidChannelException("id", "channel deleted", null)));
    } catch (ChannelFactory.InvalidChannelException e) {
      ChannelType type = row.map(r -> safeType(r.type())).orElse(ChannelType.WEBHOOK);
      settle(c, type, List.of(head), failed("the channel's settings cannot work: " + e.getMessage()), afterCommit);
      return true;
    }
    Notification n;
    try {
      n = notification(head, channelId);
    } catch (DecodeException | IllegalArgumentException e) {
      LOG.warn("Notification {} of channel {} has a payload that does not decode: {}", head.id(), channelId, e.getMessage());
      settle(c, channel.type(), List.of(head), failed("payload does not decode: " + e.getMessage()), afterCommit);
      return true;
    }
    List<Notifications.Pending> rows = new ArrayList<>();
    rows.add(head);
    if (window.groups(head.kind(), channel.type())) {
      List<Notifications.Pending> others = Notifications.claimGroup(c, head, window.closesAt(head.createdAt()));
      List<Notification> members = new ArrayList<>();
      for (Notifications.Pending p : others) {
        try {
          members.add(notification(p, channelId));
          rows.add(p);
        } catch (DecodeException | IllegalArgumentException e) {
          settle(c, channel.type(), List.of(p), failed("payload does not decode: " + e.getMessage()), afterCommit);
        }
      }
      if (!members.isEmpty()) {
        n = n.groupedWith(members, "group:" + head.groupId().orElse(head.id()) + ":" + channelId);
      }
    }
    Delivery d = channel.send(n);
    LOG.debug("Notification {} ({} rows) to channel {}: {}", head.id(), rows.size(), channelId, d.detail());
    settle(c, channel.type(), rows, d, afterCommit);
    return true;
  }

  private Channel channel(NotifyChannels.Row row) {
    Built b = channels.get(row.id());
    if (b != null && b.version() == row.version()) {
      return b.channel();
    }
    Channel c = factory.channel(row.type(), row.id(), json(row.settings()), json(row.secrets()), json(row.templates()));
    channels.put(row.id(), new Built(row.version(), c));
    return c;
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text == null ? "{}" : text);
    } catch (JsonProcessingException e) {
      throw new ChannelFactory.InvalidChannelException("settings", "stored settings are not JSON", e);
    }
  }

  private static ChannelType safeType(String type) {
    try {
      return ChannelFactory.typeOf(type);
    } catch (ChannelFactory.InvalidChannelException e) {
      return ChannelType.WEBHOOK;
    }
  }

  /** The notification of an outbox row: its payload is the IncidentEvent (or, for GIVE_UP, {event, giveUp}). */
  Notification notification(Notifications.Pending p, String channelId) {
    byte[] event = p.payload().getBytes(StandardCharsets.UTF_8);
    Optional<Notification.GiveUp> giveUp = Optional.empty();
    if (p.kind().equals("GIVE_UP")) {
      JsonNode root = json(p.payload());
      event = Json.bytes(root.path("event"));
      JsonNode g = root.path("giveUp");
      giveUp =
          Optional.of(
              new Notification.GiveUp(
                  g.path("channelId").asText("?"), g.path("kind").asText("?"), g.path("attempts").asInt(),
                  g.path("lastError").asText("")));
    }
    IncidentEvent e = codec.decodeIncident(event);
    Notification n = Notification.of(e, config.webBaseUrl(), channelId).withDedupKey(p.dedupKey());
    if (p.targetUrl().isPresent()) {
      try {
        n = n.withTargetUrl(URI.create(p.targetUrl().get()));
      } catch (IllegalArgumentException ignored) {
        // a target URL that is no URI is left out of the message
      }
    }
    if (p.kind().equals("REMINDER") || p.kind().equals("ESCALATION")) {
      Optional<FollowUp> f = FollowUp.of(json(p.payload()));
      if (f.isPresent()) {
        n = n.asFollowUp(f.get());
      }
    }
    return giveUp.isPresent() ? n.asGiveUp(giveUp.get(), p.dedupKey()) : n;
  }

  private static Delivery failed(String why) {
    return new Delivery.Failed(why, Optional.empty(), Duration.ZERO);
  }

  private void settle(
      Connection c, ChannelType type, List<Notifications.Pending> rows, Delivery d, List<Runnable> afterCommit)
      throws SQLException {
    Instant now = GroupWindow.now(clock);
    ChannelFactory.Outcome o = ChannelFactory.Outcome.of(d);
    for (Notifications.Pending p : rows) {
      int attempt = p.attempts() + 1;
      String outcome;
      Optional<Instant> next = Optional.empty();
      String detail = o.detail();
      boolean gaveUp = false;
      switch (d) {
        case Delivery.Delivered x -> outcome = "delivered";
        case Delivery.Retryable r -> {
          switch (backoff.afterFailure(attempt, p.createdAt(), now, r.retryAfter())) {
            case Backoff.RetryAt at -> {
              outcome = "retry";
              next = Optional.of(at.at());
            }
            case Backoff.GiveUp g -> {
              outcome = "failed";
              detail = detail + "; given up: " + g.why();
              gaveUp = true;
            }
          }
        }
        case Delivery.Failed f -> {
          outcome = f.reason().startsWith("address refused") ? "refused" : "failed";
          gaveUp = true;
        }
      }
      Notifications.settle(
          c,
          new Notifications.Attempt(
              p.id(), attempt, now, outcome, o.httpStatus(), o.smtpReply(),
              (int) Math.min(Integer.MAX_VALUE, o.latency().toMillis()), next, detail));
      String counted = outcome;
      afterCommit.add(() -> metrics.delivery(type, counted));
      if (gaveUp) {
        LOG.warn("Notification {} ({}) to channel {} given up after {} attempts: {}", p.id(), p.kind(), p.channelId(),
            attempt, detail);
        afterCommit.add(() -> metrics.giveUp(type));
        reportGiveUp(c, p, attempt, detail, now);
      }
    }
  }

  private void reportGiveUp(Connection c, Notifications.Pending p, int attempts, String detail, Instant now)
      throws SQLException {
    if (config.adminChannel().isEmpty() || p.kind().equals("GIVE_UP")) {
      return;
    }
    String admin = config.adminChannel().get();
    if (admin.equals(p.channelId())) {
      return; // the admin channel itself is what cannot be reached
    }
    ObjectNode payload = Json.object();
    try {
      payload.set("event", Json.MAPPER.readTree(p.payload()));
    } catch (JsonProcessingException e) {
      return; // nothing to report about: the payload itself was the problem
    }
    ObjectNode g = payload.putObject("giveUp");
    g.put("channelId", p.channelId());
    g.put("kind", p.kind());
    g.put("attempts", attempts);
    g.put("lastError", detail);
    Notifications.insert(
        c,
        List.of(
            new Notifications.New(
                "give-up:" + p.id() + ":" + admin, admin, p.incidentId(), p.seq(), "GIVE_UP", p.targetId(),
                p.severity(), new String(Json.bytes(payload), StandardCharsets.UTF_8), now, now)));
  }
}
