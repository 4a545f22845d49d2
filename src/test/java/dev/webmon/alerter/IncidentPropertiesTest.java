package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class IncidentPropertiesTest {

  /** One scripted step: a result of a location (or a tick when location is empty), after a gap. */
  record Step(String location, int kind, int gapSeconds) {}

  @Provide
  Arbitrary<List<Step>> scripts() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of("", "a", "b", "c"),
                Arbitraries.integers().between(0, 2), // pass, fail, slow
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
    Statistics.label("opens").coverage(c -> c.check(true).percentage(p -> p > 30));
    Statistics.label("flapping").coverage(c -> c.check(true).percentage(p -> p > 1));
    UUID open = null;
    Map<UUID, Long> lastSeq = new HashMap<>();
    Set<UUID> resolved = new HashSet<>();
    Instant last = Instant.MIN;
    for (Transition t : out) {
      assertThat(t.at()).as("times never go backwards").isAfterOrEqualTo(last);
      last = t.at();
      switch (t.kind()) {
        case OPENED -> {
          assertThat(open).as("at most one open incident, %s", t).isNull();
          assertThat(lastSeq).as("a fresh id").doesNotContainKey(t.incidentId());
          assertThat(t.seq()).isEqualTo(1);
          open = t.incidentId();
        }
        case UPDATED, RESOLVED -> {
          assertThat(t.incidentId()).as("only the open incident changes, %s", t).isEqualTo(open);
          assertThat(t.seq()).as("seq increases by one").isEqualTo(lastSeq.get(open) + 1);
          if (t.kind() == Transition.Kind.RESOLVED) {
            assertThat(resolved.add(open)).isTrue();
            open = null;
          }
        }
      }
      if (policy.quorum() > 0 && t.severity() == Severity.DOWN && t.kind() != Transition.Kind.RESOLVED) {
        assertThat(t.locations().stream().filter(l -> l.status() == Status.DOWN).count())
            .as("no down incident with fewer than k locations down, %s", t)
            .isGreaterThanOrEqualTo(policy.quorum());
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

  private static List<Transition> run(List<Step> script, Policy policy) {
    Script s = new Script(policy);
    Instant t = Script.T0;
    for (Step step : script) {
      t = t.plusSeconds(step.gapSeconds());
      if (step.location().isEmpty()) {
        s.tick(t);
      } else {
        s.feed(s.result(step.location(), t, step.kind() != 1, step.kind() == 2 ? 900 : 100));
      }
    }
    return s.transitions();
  }
}
