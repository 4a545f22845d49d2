package dev.webmon.alerter;

import dev.webmon.config.TopicsConfig;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentCommand;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.PolicyFields;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real topology in a {@link TopologyTestDriver}, driven by a script: results, specs,
 * policies, acks at given times of day, the wall clock (our {@link Clock} and the driver's) moved
 * by hand in steps of one tick, so every tick between two inputs happens, at exact instants. The
 * incidents emitted are read back through {@link EventCodec}, as the sink would.
 */
final class Driven implements AutoCloseable {
  static final TopicsConfig TOPICS =
      new TopicsConfig("webmon", 3, 1, Duration.ofDays(7), Duration.ofDays(30));
  static final Duration TICK = Duration.ofSeconds(5);
  /** The script's day; the clock starts at 11:59. */
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final String TARGET = "shop";

  private final HandClock clock;
  private final EventCodec codec = new EventCodec();
  private final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> results;
  private final TestInputTopic<String, byte[]> targets;
  private final TestInputTopic<String, byte[]> commands;
  private final TestInputTopic<String, byte[]> policies;
  private final TestOutputTopic<String, byte[]> incidents;
  private final List<IncidentEvent> seen = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  private long ids;

  Driven() {
    this(T0.minusSeconds(60));
  }

  /** A driver with the clock at {@code start}: a script on another day than {@link #T0}. */
  static Driven startingAt(Instant start) {
    return new Driven(start);
  }

  /** A driver (a task initialised) with the clock at {@code start}. */
  private Driven(Instant start) {
    clock = new HandClock(start);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "webmon-alerter");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(AlerterTopology.build(TOPICS, clock, TICK), props,
        clock.instant());
    StringSerializer s = new StringSerializer();
    ByteArraySerializer b = new ByteArraySerializer();
    results = driver.createInputTopic(TOPICS.results(), s, b);
    targets = driver.createInputTopic(TOPICS.targets(), s, b);
    commands = driver.createInputTopic(TOPICS.incidentCommands(), s, b);
    policies = driver.createInputTopic(TOPICS.alertPolicies(), s, b);
    incidents = driver.createOutputTopic(TOPICS.incidents(), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** {@code hh:mm[:ss]} on the script's day. */
  static Instant at(String time) {
    return LocalTime.parse(time).atDate(T0.atZone(ZoneOffset.UTC).toLocalDate())
        .toInstant(ZoneOffset.UTC);
  }

  /** The target {@value #TARGET} (interval 1 min, timeout 10 s: silent after 3 min 10 s). */
  static TargetSpec.Builder spec() {
    return TargetSpec.builder(TARGET, "https://shop.example.com/").name("The shop")
        .updatedAt(T0.minusSeconds(3600));
  }

  static AlertPolicySpec policy(String name, long version, List<String> tags, PolicyFields f) {
    return new AlertPolicySpec(name, version, tags, f, T0.minusSeconds(3600));
  }

  static PolicyFields fields(UnaryOperator<FieldsBuilder> set) {
    return set.apply(new FieldsBuilder()).build();
  }

  /** Moves the wall clock to {@code time} one tick at a time (each due tick runs). */
  Driven until(String time) {
    return until(at(time));
  }

  Driven until(Instant t) {
    while (clock.instant().isBefore(t)) {
      Duration step = Duration.between(clock.instant(), t);
      if (step.compareTo(TICK) > 0) {
        step = TICK;
      }
      clock.advance(step);
      driver.advanceWallClockTime(step);
    }
    return this;
  }

  Driven target(TargetSpec t) {
    targets.pipeInput(t.id(), codec.encode(t), clock.instant());
    return this;
  }

  Driven target() {
    return target(spec().build());
  }

  Driven deleteTarget(String time) {
    until(time);
    targets.pipeInput(TARGET, null, at(time));
    return this;
  }

  Driven policy(AlertPolicySpec p) {
    policies.pipeInput(p.name(), codec.encode(p), clock.instant());
    return this;
  }

  Driven pass(String location, String time) {
    return result(location, time, b -> b.up(200));
  }

  Driven fail(String location, String time) {
    return result(location, time, b -> b.down(Reason.HTTP_STATUS).statusCode(503));
  }

  Driven slow(String location, String time, long totalMs) {
    return result(location, time, b -> b.up(200).timings(new PhaseTimings(0, 0, 0, 0, 0,
        totalMs * 1000)));
  }

  Driven cert(String location, String time, Instant expires) {
    return result(location, time, b -> b.up(200).tlsExpiresAt(expires));
  }

  /** A result started at {@code time}, arriving now (after the clock moved there, if later). */
  Driven result(String location, String time, UnaryOperator<CheckResult.Builder> outcome) {
    return result(location, at(time), outcome);
  }

  Driven result(String location, Instant startedAt, UnaryOperator<CheckResult.Builder> outcome) {
    if (startedAt.isAfter(clock.instant())) {
      until(startedAt);
    }
    return pipe(outcome.apply(result(location, startedAt)).build());
  }

  CheckResult.Builder result(String location, Instant startedAt) {
    return CheckResult.builder()
        .resultId(new UUID(0, ++ids))
        .targetId(TARGET)
        .targetVersion(1)
        .url(URI.create("https://shop.example.com/"))
        .location(location)
        .agentId("agent-" + location)
        .scheduledAt(startedAt)
        .startedAt(startedAt)
        .timings(new PhaseTimings(0, 0, 0, 0, 0, 100_000));
  }

  Driven pipe(CheckResult r) {
    return pipe(r, clock.instant());
  }

  /** A result produced (its record timestamp) at {@code producedAt}, arriving now. */
  Driven pipe(CheckResult r, Instant producedAt) {
    results.pipeInput(r.targetId(), codec.encode(r), producedAt);
    return this;
  }

  /**
   * The alerter restarted at {@code start} (or the task taken over by another instance): a new
   * driver, a new task initialised at that instant, with this one's stores restored as Streams
   * restores them from their changelogs; this one is closed. Result ids continue.
   */
  Driven restartAt(Instant start) {
    read();
    Driven next = new Driven(start);
    for (boolean alerts : List.of(false, true)) {
      var to = next.bytes(alerts);
      try (var it = bytes(alerts).all()) {
        it.forEachRemaining(kv -> to.put(kv.key, kv.value));
      }
    }
    next.ids = ids;
    close();
    return next;
  }

  /** Raw bytes on a topic, as a broken producer might send them. */
  Driven raw(String topic, String key, byte[] value) {
    driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer())
        .pipeInput(key, value, clock.instant());
    return this;
  }

  /** Acknowledges the {@code n}th incident seen (1-based) at {@code time}. */
  Driven ack(int n, String by, String time) {
    until(time);
    UUID incident = incident(n);
    IncidentCommand c = new IncidentCommand(new UUID(1, ++ids), TARGET, incident,
        IncidentCommand.Type.ACKNOWLEDGE, by, Optional.of("on it"), at(time));
    commands.pipeInput(TARGET, codec.encode(c), clock.instant());
    return this;
  }

  UUID incident(int n) {
    read();
    return seen.stream().map(IncidentEvent::incidentId).distinct().skip(n - 1L).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no incident #" + n));
  }

  /** Every incident event so far, decoded strictly. */
  List<IncidentEvent> events() {
    read();
    return List.copyOf(seen);
  }

  /** The record keys of those events. */
  List<String> keys() {
    read();
    return List.copyOf(keys);
  }

  private void read() {
    while (!incidents.isEmpty()) {
      var r = incidents.readRecord();
      keys.add(r.key());
      seen.add(codec.decodeIncident(r.value()));
    }
  }

  /** The events as {@code "12:02 OPENED down #1 seq=1 [a:DOWN]"}, incidents numbered in order. */
  List<String> log() {
    List<UUID> numbered = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (IncidentEvent e : events()) {
      if (!numbered.contains(e.incidentId())) {
        numbered.add(e.incidentId());
      }
      String locations = e.locations().stream().map(l -> l.location() + ":" + l.state())
          .collect(Collectors.joining(","));
      lines.add(LocalTime.ofInstant(e.at(), ZoneOffset.UTC) + " " + e.kind() + " "
          + e.severity().wireName() + " #" + (numbered.indexOf(e.incidentId()) + 1) + " seq="
          + e.seq() + " [" + locations + "]");
    }
    return lines;
  }

  /** The skip counter of {@code reason}, summed over tasks (and the global thread). */
  double skipped(Skips.Reason reason) {
    double sum = 0;
    for (var e : driver.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.group().equals(Skips.GROUP) && n.name().equals(Skips.METRIC)
          && reason.tag().equals(n.tags().get("reason"))) {
        sum += ((Number) ((Metric) e.getValue()).metricValue()).doubleValue();
      }
    }
    return sum;
  }

  /** The stored alert state of the target, decoded. */
  Optional<TargetAlerts> state() {
    byte[] b = bytes(true).get(TARGET);
    return b == null ? Optional.empty() : Optional.of(StateCodec.decodeAlerts(TARGET, b));
  }


  /** Every record written to alerter-state's changelog so far, decoded (null = deleted). */
  List<TargetAlerts> changelog() {
    List<TargetAlerts> out = new ArrayList<>();
    var topic = driver.createOutputTopic("webmon-alerter-" + AlerterTopology.ALERTS + "-changelog",
        new StringDeserializer(), new ByteArrayDeserializer());
    while (!topic.isEmpty()) {
      var r = topic.readRecord();
      out.add(r.value() == null ? null : StateCodec.decodeAlerts(r.key(), r.value()));
    }
    return out;
  }

  /** The committed bytes of alerter-state ({@code alerts}) or alerter-targets. */
  KeyValueStore<String, byte[]> bytes(boolean alerts) {
    return alerts
        ? ((AlertStates) driver.getStateStore(AlerterTopology.ALERTS)).bytes()
        : driver.getKeyValueStore(AlerterTopology.WATCHES);
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Builds {@link PolicyFields} field by field. */
  static final class FieldsBuilder {
    private Optional<Integer> failureThreshold = Optional.empty();
    private Optional<Integer> failuresInWindow = Optional.empty();
    private Optional<Duration> window = Optional.empty();
    private Optional<Integer> recoveryThreshold = Optional.empty();
    private Optional<Integer> quorum = Optional.empty();
    private Optional<Integer> tlsDays = Optional.empty();
    private Optional<Integer> flapChanges = Optional.empty();
    private Optional<Duration> flapWindow = Optional.empty();

    FieldsBuilder failureThreshold(int n) {
      failureThreshold = Optional.of(n);
      return this;
    }

    FieldsBuilder failuresInWindow(int n, Duration w) {
      failuresInWindow = Optional.of(n);
      window = Optional.of(w);
      return this;
    }

    FieldsBuilder window(Duration w) {
      window = Optional.of(w);
      return this;
    }

    FieldsBuilder recoveryThreshold(int n) {
      recoveryThreshold = Optional.of(n);
      return this;
    }

    FieldsBuilder quorum(int k) {
      quorum = Optional.of(k);
      return this;
    }

    FieldsBuilder tlsExpiryWarningDays(int d) {
      tlsDays = Optional.of(d);
      return this;
    }

    FieldsBuilder flapping(int changes, Duration span) {
      flapChanges = Optional.of(changes);
      flapWindow = Optional.of(span);
      return this;
    }

    PolicyFields build() {
      return new PolicyFields(failureThreshold, failuresInWindow, window, recoveryThreshold,
          Optional.empty(), quorum, tlsDays, flapChanges, flapWindow);
    }
  }

  /** A clock moved by hand. */
  static final class HandClock extends Clock {
    private Instant now;

    HandClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }
}
