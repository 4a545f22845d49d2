package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

class IncidentPropertiesTest {

  /**
   * One scripted step after a gap: a tick (location ""), an ack of what is open ("!"), or a result
   * of a location: kind 0 pass, 1 fail, 2 slow, 3 pass showing a certificate (expiry 5, 10 or 60
   * days after the result, by the gap).
   */
  record Step(String location, int kind, int gapSeconds) {}

  enum Lane { AVAILABILITY, CERTIFICATE }

  @Provide
  Arbitrary<List<Step>> scripts() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of("", "!", "a", "b", "c"),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 400))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(200);
  }

  @Provide
  Arbitrary<Policy> policies() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(1, 3),
            Arbitraries.of(0L, 500L),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(1, 6))
        .as((f, w, r, slow, k, flaps) -> new Policy(f, w, w == 0 ? Duration.ZERO : Duration.ofMinutes(10),
            r, slow, k, 14, flaps, Duration.ofMinutes(30)));
  }

  @Property(tries = 300)
  void transitionsAreWellFormedAndReplayable(
      @ForAll("scripts") List<Step> script, @ForAll("policies") Policy policy) {
    List<Transition> out = run(script, policy);
    Statistics.label("opens").collect(out.stream().anyMatch(t -> t.kind() == Transition.Kind.OPENED));
    Statistics.label("flapping").collect(out.stream().anyMatch(t -> t.severity() == Severity.FLAPPING));
    Statistics.label("acked").collect(out.stream().anyMatch(t -> t.kind() == Transition.Kind.ACKNOWLEDGED));
    Statistics.label("certificate").collect(out.stream().anyMatch(t -> t.severity() == Severity.CERTIFICATE));
    Statistics.label("opens").coverage(c -> c.check(true).percentage(p -> p > 30));
    Statistics.label("flapping").coverage(c -> c.check(true).percentage(p -> p > 1));
    Statistics.label("acked").coverage(c -> c.check(true).percentage(p -> p > 10));
    Statistics.label("certificate").coverage(c -> c.check(true).percentage(p -> p > 10));
    Map<Lane, UUID> open = new EnumMap<>(Lane.class);
    Map<UUID, Long> lastSeq = new HashMap<>();
    Set<UUID> resolved = new HashSet<>();
    Set<UUID> acked = new HashSet<>();
    Instant last = Instant.MIN;
    for (Transition t : out) {
      Lane lane = t.severity() == Severity.CERTIFICATE ? Lane.CERTIFICATE : Lane.AVAILABILITY;
      assertThat(t.at()).as("times never go backwards").isAfterOrEqualTo(last);
      last = t.at();
      switch (t.kind()) {
        case OPENED -> {
          assertThat(open.get(lane)).as("at most one open incident per lane, %s", t).isNull();
          assertThat(lastSeq).as("a fresh id").doesNotContainKey(t.incidentId());
          assertThat(t.seq()).isEqualTo(1);
          open.put(lane, t.incidentId());
        }
        case UPDATED, ACKNOWLEDGED, RESOLVED -> {
          assertThat(t.incidentId()).as("only the open incident changes, %s", t).isEqualTo(open.get(lane));
          assertThat(t.seq()).as("seq increases by one").isEqualTo(lastSeq.get(t.incidentId()) + 1);
          if (t.kind() == Transition.Kind.ACKNOWLEDGED) {
            assertThat(acked.add(t.incidentId())).as("acknowledged once, %s", t).isTrue();
          }
          assertThat(t.ack().isPresent()).as("the ack stays, %s", t).isEqualTo(acked.contains(t.incidentId()));
          if (t.kind() == Transition.Kind.RESOLVED) {
            assertThat(resolved.add(t.incidentId())).as("resolved at most once").isTrue();
            open.remove(lane);
          }
        }
      }
      if (policy.quorum() > 0 && t.severity() == Severity.DOWN && t.kind() != Transition.Kind.RESOLVED) {
        assertThat(t.locations().stream().filter(l -> l.status() == Status.DOWN).count())
            .as("no down incident with fewer than k locations down, %s", t)
            .isGreaterThanOrEqualTo(policy.quorum());
      }
      if (policy.quorum() == 0 && t.severity() == Severity.DOWN && t.kind() != Transition.Kind.RESOLVED) {
        assertThat(t.locations().stream().filter(l -> l.status() == Status.DOWN).count())
            .as("no down incident without a majority of the reporting locations down, %s", t)
            .isGreaterThanOrEqualTo(t.reporting() / 2 + 1);
      }
      lastSeq.put(t.incidentId(), t.seq());
    }
    assertThat(run(script, policy)).as("a replay yields the same transitions").isEqualTo(out);
  }

  @Property(tries = 200)
  void oneFlakyLocationAmongThreeNeverOpensAnIncident(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 2) Integer> flaky) {
    Script s = new Script(Policy.DEFAULT.withDegradedAboveMs(500));
    Instant t = Script.T0;
    for (int kind : flaky) {
      s.feed(s.result("a", t, kind != 1, kind == 2 ? 900 : 100));
      s.feed(s.result("b", t.plusSeconds(10), true, 100));
      s.feed(s.result("c", t.plusSeconds(20), true, 100));
      s.tick(t.plusSeconds(30));
      t = t.plusSeconds(60);
    }
    assertThat(s.transitions()).isEmpty();
  }

  @Property(tries = 100)
  void theStoredFormRoundTripsEveryStateReached(
      @ForAll("scripts") List<Step> script, @ForAll("policies") Policy policy) {
    Script s = new Script(policy);
    Instant t = Script.T0;
    for (Step step : script) {
      t = t.plusSeconds(step.gapSeconds());
      apply(s, step, t);
      TargetAlerts state = s.state();
      assertThat(StateCodec.decodeAlerts(Script.TARGET, StateCodec.encode(state))).isEqualTo(state);
    }
  }

  @Property(tries = 200)
  void aTickBeforeTheNextTickInstantChangesNothing(
      @ForAll("scripts") List<Step> script, @ForAll("policies") Policy policy,
      @ForAll @IntRange(min = 1, max = 999) int permille) {
    Script s = new Script(policy);
    Instant t = Script.T0;
    for (Step step : script) {
      t = t.plusSeconds(step.gapSeconds());
      apply(s, step, t);
      TargetAlerts state = s.state();
      Instant from = state.availability().lastAt();
      if (from.equals(Instant.MIN)) {
        continue; // nothing seen yet
      }
      Instant until = state.nextTick(policy, Script.SILENCE).orElse(from.plus(Duration.ofDays(2)));
      Duration gap = Duration.between(from, until);
      Instant before = from.plus(gap.multipliedBy(permille).dividedBy(1000));
      if (before.isBefore(until)) {
        TargetAlerts.Step tick = state.onTick(before, policy, Script.SILENCE);
        assertThat(tick.transitions()).as("a tick at %s, before %s", before, until).isEmpty();
        assertThat(tick.changed()).as("a tick at %s, before %s", before, until).isFalse();
      }
      Optional<Instant> due = state.nextTick(policy, Script.SILENCE);
      if (due.isPresent() && script.size() % 3 == 0) {
        Statistics.label("a due tick changes something")
            .collect(state.onTick(due.get(), policy, Script.SILENCE).changed());
      }
    }
  }

  private static List<Transition> run(List<Step> script, Policy policy) {
    Script s = new Script(policy);
    Instant t = Script.T0;
    for (Step step : script) {
      t = t.plusSeconds(step.gapSeconds());
      apply(s, step, t);
    }
    return s.transitions();
  }

  private static void apply(Script s, Step step, Instant t) {
    switch (step.location()) {
      case "" -> s.tick(t);
      case "!" -> s.ackOpen("alice", t);
      default -> {
        if (step.kind() == 3) {
          int days = step.gapSeconds() % 3 == 0 ? 5 : step.gapSeconds() % 3 == 1 ? 10 : 60;
          s.cert(step.location(), t, t.plus(Duration.ofDays(days)));
        } else {
          s.feed(s.result(step.location(), t, step.kind() != 1, step.kind() == 2 ? 900 : 100));
        }
      }
    }
  }
}
