package dev.webmon.alerter;

import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentCommand;
import dev.webmon.event.TargetSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter's one processor per task: results, target specs and incident commands of the
 * task's partitions meet here (co-partitioned by target id), and a wall-clock punctuation judges
 * the targets of the task that are due, each tick. Inputs arrive as bytes and are decoded here, so a malformed
 * record is counted ({@link Skips}) and skipped with a log line naming its topic, partition,
 * offset and error, never its content. Not thread-safe: Streams gives each task its own.
 */
final class AlertProcessor implements Processor<byte[], byte[], String, byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);

  private final TopicsConfig topics;
  private final Clock clock;
  private final Duration tick;
  private final EventCodec codec = new EventCodec();
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> watches;
  private AlertStates states;
  private PolicyBook policies;
  private MaintenanceBook maintenance;
  private Skips skips;
  // Per target, the earliest instant a tick could change it (TargetAlerts.nextTick, or the end of
  // a maintenance holding an incident back), so a tick decodes only the targets due. Rebuilt by a
  // full pass after start and after a policy or maintenance window change.
  private final Map<String, Instant> due = new HashMap<>();
  private boolean rescan = true;
  private CatchUp catchUp;
  private boolean judging;

  AlertProcessor(TopicsConfig topics, Clock clock, Duration tick) {
    this.topics = topics;
    this.clock = clock;
    this.tick = tick;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> ctx) {
    this.context = ctx;
    this.watches = ctx.getStateStore(AlerterTopology.WATCHES);
    this.states = ctx.getStateStore(AlerterTopology.ALERTS);
    ReadOnlyKeyValueStore<String, byte[]> global = ctx.getStateStore(AlerterTopology.POLICIES);
    this.policies = new PolicyBook(global, codec);
    this.maintenance =
        new MaintenanceBook(ctx.getStateStore(AlerterTopology.MAINTENANCE), watches, codec);
    this.skips = new Skips(ctx.metrics(), ctx.taskId().toString());
    policies.refresh();
    maintenance.refresh();
    this.catchUp = new CatchUp(clock.instant(), ctx.currentStreamTimeMs(), tick);
    ctx.schedule(tick, PunctuationType.WALL_CLOCK_TIME, ignored -> tick());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    try {
      if (topic.equals(topics.results())) {
        onResult(key, record);
      } else if (topic.equals(topics.targets())) {
        onTarget(key, record);
      } else if (topic.equals(topics.incidentCommands())) {
        onCommand(key, record);
      } else {
        throw new IllegalStateException("record of unexpected topic " + topic);
      }
    } catch (DecodeException e) {
      skip(Skips.Reason.MALFORMED, e.error() + e.field().map(f -> " at " + f).orElse(""));
    }
  }

  private void onResult(String key, Record<byte[], byte[]> record) {
    CheckResult r = codec.decodeResult(record.value());
    if (!r.targetId().equals(key)) {
      skip(Skips.Reason.WRONG_KEY, "result of target " + r.targetId());
      return;
    }
    Optional<PolicyBook.Judge> known = judge(key);
    if (known.isEmpty()) {
      skips.count(Skips.Reason.UNKNOWN_TARGET);
      LOG.debug("result {} of target {}, which the alerter does not know", r.resultId(), key);
      return;
    }
    PolicyBook.Judge j = known.get();
    TargetAlerts.Step s =
        states.orStart(key).onResult(r, j.policy(), j.silenceAfter(), maintenance.mute(key));
    emit(s.transitions(), j, record.timestamp());
    if (s.changed()) {
      states.put(key, s.next());
      schedule(key, s.next(), j);
    }
  }

  private void onTarget(String key, Record<byte[], byte[]> record) {
    if (key == null) {
      skip(Skips.Reason.WRONG_KEY, "no key");
      return;
    }
    if (record.value() == null) {
      deleted(key, Instant.ofEpochMilli(record.timestamp()), record.timestamp());
      return;
    }
    TargetSpec t = codec.decodeTarget(record.value());
    if (!t.id().equals(key)) {
      skip(Skips.Reason.WRONG_KEY, "spec of target " + t.id());
      return;
    }
    byte[] old = watches.get(key);
    if (old != null && StateCodec.decodeWatch(key, old).version() > t.version()) {
      skips.count(Skips.Reason.STALE);
      LOG.debug("target {} version {} is older than the one kept", key, t.version());
      return;
    }
    watches.put(key, StateCodec.encode(Watch.of(t)));
    policies.forget(key);
    maintenance.forget(key);
    if (due.containsKey(key) || states.contains(key)) {
      due.put(key, Instant.MIN); // the silence may have changed: judge it at the next tick
    }
  }

  private void deleted(String key, Instant at, long timestamp) {
    Optional<PolicyBook.Judge> j = judge(key);
    Optional<TargetAlerts> state = states.find(key);
    if (state.isPresent() && j.isPresent()) {
      emit(state.get().onDeleted(at), j.get(), timestamp);
    }
    states.delete(key);
    watches.delete(key);
    policies.forget(key);
    maintenance.forget(key);
    due.remove(key);
  }

  private void onCommand(String key, Record<byte[], byte[]> record) {
    IncidentCommand c = codec.decodeCommand(record.value());
    if (!c.targetId().equals(key)) {
      skip(Skips.Reason.WRONG_KEY, "command for target " + c.targetId());
      return;
    }
    Optional<PolicyBook.Judge> j = judge(key);
    Optional<TargetAlerts> state = states.find(key);
    if (j.isEmpty() || state.isEmpty()) {
      skips.count(Skips.Reason.UNKNOWN_TARGET);
      LOG.info("acknowledgement of incident {} of target {}, which the alerter does not know",
          c.incidentId(), key);
      return;
    }
    PolicyBook.Judge judge = j.get();
    TargetAlerts.Step s =
        state.get()
            .onAck(c.incidentId(), new Ack(c.by(), c.note(), c.at()), judge.policy(),
                judge.silenceAfter(), maintenance.mute(key));
    emit(s.transitions(), judge, record.timestamp());
    if (s.changed()) {
      states.put(key, s.next());
      schedule(key, s.next(), judge);
    }
    if (s.transitions().stream().noneMatch(t -> t.kind() == Transition.Kind.ACKNOWLEDGED)) {
      skips.count(Skips.Reason.ACK_IGNORED);
      LOG.info("acknowledgement of incident {} of target {} ignored: not open, or acknowledged",
          c.incidentId(), key);
    }
  }

  /**
   * Judges the targets of the task that are due at the clock's instant: all of them after a start
   * or a policy change, else those whose {@link TargetAlerts#nextTick} has come. Nothing until the
   * task has caught up with its input ({@link CatchUp}): judged before its backlog, a target would
   * look silent and its clock would move past the results still waiting.
   */
  private void tick() {
    if (policies.refresh()) {
      rescan = true;
    }
    if (maintenance.refresh()) {
      rescan = true; // a window that ended early or went away: what it held back opens now
    }
    Instant now = clock.instant();
    if (!judging) {
      long streamTime = context.currentStreamTimeMs();
      if (!catchUp.caughtUp(now, streamTime)) {
        LOG.debug("task {}: not caught up at {} (stream time {}), silence not judged yet",
            context.taskId(), now, streamTime);
        return;
      }
      judging = true;
      LOG.info("task {}: caught up at {} (stream time {}); ticks judge silence from now on",
          context.taskId(), now, streamTime < 0 ? "none" : Instant.ofEpochMilli(streamTime));
    }
    long timestamp = now.toEpochMilli();
    if (rescan) {
      rescan = false;
      due.clear();
      for (String key : states.keys()) {
        judgeAt(key, now, timestamp);
      }
      return;
    }
    List<String> ready = new ArrayList<>();
    for (Map.Entry<String, Instant> e : due.entrySet()) {
      if (!e.getValue().isAfter(now)) {
        ready.add(e.getKey());
      }
    }
    for (String key : ready) {
      judgeAt(key, now, timestamp);
    }
  }

  private void judgeAt(String key, Instant now, long timestamp) {
    Optional<TargetAlerts> state = states.find(key);
    Optional<PolicyBook.Judge> known = judge(key);
    if (state.isEmpty() || known.isEmpty()) {
      due.remove(key); // a state without a spec cannot outlive deleted(); nothing to judge by
      return;
    }
    PolicyBook.Judge j = known.get();
    TargetAlerts.Step s =
        state.get().onTick(now, j.policy(), j.silenceAfter(), maintenance.mute(key));
    emit(s.transitions(), j, timestamp);
    if (s.changed()) {
      states.put(key, s.next());
    }
    // From the state after the tick even when not stored: a tick that changed nothing is not
    // written, and the stored (older) state reaches the same verdicts.
    schedule(key, s.next(), j);
  }

  private void schedule(String key, TargetAlerts state, PolicyBook.Judge j) {
    Optional<Instant> next =
        maintenance.nextTick(key, state, state.nextTick(j.policy(), j.silenceAfter()));
    if (next.isPresent()) {
      due.put(key, next.get());
    } else {
      due.remove(key);
    }
  }

  /** The judgement of the target; empty when the alerter has no spec of it. */
  private Optional<PolicyBook.Judge> judge(String targetId) {
    if (targetId == null) {
      return Optional.empty();
    }
    Optional<PolicyBook.Judge> cached = policies.cached(targetId);
    if (cached.isPresent()) {
      return cached;
    }
    byte[] w = watches.get(targetId);
    return w == null
        ? Optional.empty()
        : Optional.of(policies.judge(targetId, StateCodec.decodeWatch(targetId, w)));
  }

  private void emit(List<Transition> transitions, PolicyBook.Judge j, long timestamp) {
    for (Transition t : transitions) {
      byte[] value = codec.encode(IncidentEvents.of(t, j.targetName(), j.policyName()));
      context.forward(new Record<>(t.targetId(), value, timestamp));
      LOG.debug("target {}: incident {} {} {} seq {}", t.targetId(), t.incidentId(), t.kind(),
          t.severity().wireName(), t.seq());
    }
  }

  private void skip(Skips.Reason reason, String why) {
    skips.skip(context, reason, why);
  }

  @Override
  public void close() {
    if (skips != null) {
      skips.close();
    }
  }
}
