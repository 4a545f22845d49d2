package dev.webmon.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.WebmonException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.store.Jdbc;
import dev.webmon.store.MaintenanceWindows;
import dev.webmon.store.Schedules;
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
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reminders and escalation at run time: the {@code notify_schedule} rows of open incidents, kept by
 * the engine's hook and turned into {@code notification} rows (kinds REMINDER and ESCALATION) when
 * due, by {@link EscalationPlan} on an injected {@link Clock}.
 *
 * <p>The hook the notifier engine calls, once per consumed transition, inside the transaction that
 * stores its offsets and its notification rows (signature kept stable):
 *
 * <pre>{@code
 * void onTransition(IncidentEvent event, List<String> routedChannelIds, Connection c) throws SQLException
 * }</pre>
 *
 * OPENED creates the row ({@code routedChannelIds} = the channels the OPENED was routed to: they get
 * the reminders; the policy's {@code alert_policy.notify} is read then and kept with the row),
 * ACKNOWLEDGED and RESOLVED (or any event carrying an acknowledgement) stop it for good, UPDATED
 * refreshes {@code last_event}; a redelivered or older transition changes nothing. The hook neither
 * commits nor rolls back.
 *
 * <p>{@link #runOnce()} claims due rows ({@code FOR UPDATE SKIP LOCKED}), inserts their
 * notifications and advances them in ONE transaction, so a restart neither repeats nor skips a
 * step and any number of instances may run. The engine's workers deliver the rows like any other.
 * While a maintenance window covers a row's target, its due sends are held to the window's end
 * ({@link MaintenanceHold}).
 * Thread-safe: {@link #start()} runs the loop on one virtual thread; the hook may be called from
 * any thread.
 */
final class Escalations implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Escalations.class);

  /** How often the loop looks for due rows. */
  static final Duration POLL = Duration.ofSeconds(1);

  /** Rows claimed per transaction by default; a full batch is followed at once by the next. */
  static final int BATCH = 100;

  private final DataSource ds;
  private final Clock clock;
  private final Duration poll;
  private final int batch;
  private final EventCodec codec = new EventCodec();
  private final MaintenanceWindows maintenance = new MaintenanceWindows();
  private final CountDownLatch closed = new CountDownLatch(1);
  private Thread thread;

  Escalations(DataSource ds, Clock clock) {
    this(ds, clock, POLL, BATCH);
  }

  /**
   * A scheduler on {@code ds} whose "now" is {@code clock}'s.
   *
   * @param poll how often the loop looks for due rows
   * @param batch rows claimed per transaction
   */
  Escalations(DataSource ds, Clock clock, Duration poll, int batch) {
    if (batch < 1 || poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("poll must be positive and batch at least 1");
    }
    this.ds = ds;
    this.clock = clock;
    this.poll = poll;
    this.batch = batch;
  }

  /** Records a transition the engine consumed, on its connection and transaction. */
  void onTransition(IncidentEvent event, List<String> routedChannelIds, Connection c) throws SQLException {
    String json = new String(codec.encode(event), StandardCharsets.UTF_8);
    boolean acknowledged = event.acknowledgement().isPresent();
    switch (event.kind()) {
      case OPENED -> {
        NotifySettings settings = settings(Schedules.policyNotify(c, event.policy()), event.policy(), event.incidentId());
        EscalationPlan.State state = EscalationPlan.start(settings, routedChannelIds, event.openedAt());
        if (state.nextDue().isPresent()) {
          Schedules.Row row = new Schedules.Row(event.incidentId(), event.targetId(), event.policy(), event.openedAt(),
              false, false, Optional.empty(), 0, 0, Optional.empty(), json, routedChannelIds,
              settings.toJson().toString());
          Schedules.open(c, withState(row, state));
        }
      }
      case UPDATED, ACKNOWLEDGED -> Schedules.transition(c, event.incidentId(), event.seq(), json, acknowledged, false);
      case RESOLVED -> Schedules.transition(c, event.incidentId(), event.seq(), json, acknowledged, true);
    }
  }

  /**
   * One pass: claims up to {@code batch} due rows, inserts the notifications due at the clock's
   * now and advances the rows, in one transaction.
   *
   * @return the rows claimed
   */
  int runOnce() {
    Instant now = clock.instant();
    return Jdbc.transaction(ds, c -> {
      List<Schedules.Claimed> claimed = Schedules.claimDue(c, now, batch);
      List<MaintenanceWindow> windows = claimed.isEmpty() ? List.of() : maintenance.all(c);
      Map<String, List<String>> tags = windows.isEmpty()
          ? Map.of()
          : maintenance.targetTags(c, claimed.stream().map(cl -> cl.row().targetId()).distinct().toList());
      for (Schedules.Claimed cl : claimed) {
        Schedules.Row row = cl.row();
        EscalationPlan.State state = state(row);
        String incident = cl.incidentState().orElse("open");
        if (!incident.equals("open")) {
          // The sink stored the acknowledgement or resolution before the engine consumed it.
          state = state.stop(incident.equals("acknowledged"), incident.equals("resolved"));
        }
        Optional<Instant> held = state.stopped()
            ? Optional.empty()
            : MaintenanceHold.until(windows, row.targetId(), tags.getOrDefault(row.targetId(), List.of()), now);
        if (held.isPresent()) {
          Schedules.advance(c, withState(row, MaintenanceHold.deferTo(state, held.get())));
          LOG.debug("incident {} of target {}: under maintenance, reminders and escalation held until {}",
              row.incidentId(), row.targetId(), held.get());
          continue;
        }
        NotifySettings settings = settings(row.notifySettings(), row.policy(), row.incidentId());
        EscalationPlan.Decision d = EscalationPlan.due(settings, row.channels(), state, now);
        List<Schedules.Outgoing> out = outgoing(row, d.sends(), now);
        int inserted = Schedules.enqueue(c, out);
        Schedules.advance(c, withState(row, d.next()));
        if (!d.sends().isEmpty() && LOG.isDebugEnabled()) {
          LOG.debug("incident {} of target {}: {} notification(s) of {} enqueued", row.incidentId(), row.targetId(),
              inserted, d.sends().stream().map(s -> s.what().dedupKey(row.incidentId(), "*")).toList());
        }
      }
      return claimed.size();
    });
  }

  /** Starts the loop on a virtual thread; once. */
  synchronized void start() {
    if (thread == null) {
      thread = Thread.ofVirtual().name("webmon-escalations").start(this::run);
      LOG.info("reminders and escalation: looking for due schedule rows every {} ms", poll.toMillis());
    }
  }

  private void run() {
    try {
      do {
        try {
          while (runOnce() == batch && closed.getCount() > 0) {
            // a full batch: more may be due
          }
        } catch (WebmonException e) {
          LOG.warn("reminders and escalation: pass failed, retrying in {} ms: {}", poll.toMillis(), e.getMessage());
        }
      } while (!closed.await(poll.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the loop; a pass under way finishes (or rolls back) first. */
  @Override
  public void close() {
    closed.countDown();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The plan state a row holds. */
  static EscalationPlan.State state(Schedules.Row row) {
    return new EscalationPlan.State(row.openedAt(), row.acknowledged(), row.resolved(), row.remindersSent(),
        row.nextReminderAt(), row.nextStep(), row.nextStepAt());
  }

  /** {@code row} holding {@code state}. */
  static Schedules.Row withState(Schedules.Row row, EscalationPlan.State state) {
    return new Schedules.Row(row.incidentId(), row.targetId(), row.policy(), row.openedAt(), state.acknowledged(),
        state.resolved(), state.nextReminderAt(), state.remindersSent(), state.nextStep(), state.nextStepAt(),
        row.lastEvent(), row.channels(), row.notifySettings());
  }

  /** One notification row per send and channel; payload = the newest event plus the follow-up. */
  static List<Schedules.Outgoing> outgoing(Schedules.Row row, List<EscalationPlan.Send> sends, Instant now) {
    if (sends.isEmpty()) {
      return List.of();
    }
    JsonNode event = tree(row.lastEvent());
    long seq = event.path("seq").asLong();
    String severity = event.path("severity").asText();
    List<Schedules.Outgoing> out = new ArrayList<>();
    for (EscalationPlan.Send s : sends) {
      String payload = s.what().addTo(((ObjectNode) event).deepCopy()).toString();
      for (String channel : s.channels()) {
        out.add(new Schedules.Outgoing(s.what().dedupKey(row.incidentId(), channel), channel, row.incidentId(), seq,
            s.what().kind().name(), row.targetId(), severity, payload, now));
      }
    }
    return out;
  }

  private static JsonNode tree(String json) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      if (!node.isObject()) {
        throw new WebmonException("notify_schedule.last_event is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new WebmonException("notify_schedule.last_event is not JSON", e);
    }
  }

  /** The settings {@code json} holds; none (logged) if invalid, as only a hand-edited row can be. */
  private static NotifySettings settings(String json, String policy, UUID incident) {
    try {
      return NotifySettings.fromJson(json);
    } catch (NotifySettings.Invalid e) {
      LOG.warn("incident {}: the notify settings of policy {} are invalid, so no reminders or escalation: {}",
          incident, policy, e.getMessage());
      return NotifySettings.NONE;
    }
  }
}
