package dev.webmon.alerter;

import dev.webmon.event.CheckResult;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A scripted run of the decision core for one target: results and ticks at given instants, the
 * transitions collected in order. Interval 1 min, timeout 10 s, so a location is silent after
 * 3 min 10 s.
 */
final class Script {
  static final String TARGET = "shop";
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final Duration SILENCE = LocationState.silenceAfter(Duration.ofMinutes(1), Duration.ofSeconds(10));

  private final Policy policy;
  private TargetAlerts state = TargetAlerts.start(TARGET);
  private final List<Transition> transitions = new ArrayList<>();
  private long ids;

  Script(Policy policy) {
    this.policy = policy;
  }

  /** {@code hh:mm[:ss]} on the script's day. */
  static Instant at(String time) {
    return LocalTime.parse(time).atDate(T0.atZone(ZoneOffset.UTC).toLocalDate()).toInstant(ZoneOffset.UTC);
  }

  Script pass(String location, String time) {
    return feed(result(location, at(time), true, 100));
  }

  Script fail(String location, String time) {
    return feed(result(location, at(time), false, 100));
  }

  Script slow(String location, String time, long totalMs) {
    return feed(result(location, at(time), true, totalMs));
  }

  Script tick(String time) {
    return tick(at(time));
  }

  Script tick(Instant now) {
    return take(state.onTick(now, policy, SILENCE));
  }

  /** Acknowledges the {@code n}th incident (1-based, in order of first transition) at {@code time}. */
  Script ack(int n, String by, String time) {
    return take(state.onAck(incident(n), new Ack(by, java.util.Optional.empty(), at(time)), policy, SILENCE));
  }

  /** The target is deleted at {@code time}. */
  Script delete(String time) {
    transitions.addAll(state.onDeleted(at(time)));
    state = TargetAlerts.start(TARGET);
    return this;
  }

  /** A passing result whose certificate expires at {@code expires}. */
  Script cert(String location, String time, Instant expires) {
    return cert(location, at(time), expires);
  }

  Script cert(String location, Instant time, Instant expires) {
    CheckResult r = result(location, time, true, 100);
    return feed(rebuild(r).tlsExpiresAt(expires).up(200).build());
  }

  /** Acknowledges whatever is open in the availability lane (nothing when nothing is). */
  Script ackOpen(String by, Instant time) {
    UUID open = state.availability().open().map(Incident::id).orElse(new UUID(7, 7));
    return take(state.onAck(open, new Ack(by, java.util.Optional.empty(), time), policy, SILENCE));
  }

  CheckResult result(String location, Instant startedAt, boolean up, long totalMs) {
    CheckResult.Builder b = builder(new UUID(0, ++ids), location, startedAt, totalMs);
    return (up ? b.up(200) : b.down(Reason.HTTP_STATUS).statusCode(503)).build();
  }

  private static CheckResult.Builder rebuild(CheckResult r) {
    return builder(r.resultId(), r.location(), r.startedAt(), r.timings().totalMicros() / 1000);
  }

  private static CheckResult.Builder builder(UUID id, String location, Instant startedAt, long totalMs) {
    return CheckResult.builder()
            .resultId(id)
            .targetId(TARGET)
            .targetVersion(1)
            .url(java.net.URI.create("https://shop.example.com/"))
            .location(location)
            .agentId("agent-" + location)
            .scheduledAt(startedAt)
            .startedAt(startedAt)
            .timings(new PhaseTimings(0, 0, 0, 0, 0, totalMs * 1000));
  }

  /**
   * Feeds {@code r} and judges the target at the result's own time; a late or duplicate result
   * changes no state and so is not judged at all (its old timestamp could wake a silent location).
   */
  Script feed(CheckResult r) {
    return take(state.onResult(r, policy, SILENCE));
  }

  private Script take(TargetAlerts.Step step) {
    state = step.next();
    transitions.addAll(step.transitions());
    return this;
  }

  private UUID incident(int n) {
    return transitions.stream().map(Transition::incidentId).distinct().skip(n - 1L).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no incident #" + n));
  }

  List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  TargetAlerts state() {
    return state;
  }

  /** The transitions as {@code "12:02 OPENED down #1 seq=1 [a:DOWN]"}, incidents numbered in order. */
  List<String> log() {
    List<UUID> incidents = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (Transition t : transitions) {
      if (!incidents.contains(t.incidentId())) {
        incidents.add(t.incidentId());
      }
      String time = LocalTime.ofInstant(t.at(), ZoneOffset.UTC).toString();
      String failing =
          t.locations().stream().map(l -> l.location() + ":" + l.status()).collect(Collectors.joining(","));
      lines.add(time + " " + t.kind() + " " + t.severity().wireName() + " #"
          + (incidents.indexOf(t.incidentId()) + 1) + " seq=" + t.seq() + " [" + failing + "]");
    }
    return lines;
  }
}
