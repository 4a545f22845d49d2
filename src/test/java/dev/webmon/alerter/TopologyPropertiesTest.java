package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The topology decides exactly what the core decides: random result scripts through the
 * TopologyTestDriver (stores, state codec, the ticks that judge only the targets due) give the
 * same events as the core ticked at every 5 s, mapped to events.
 */
class TopologyPropertiesTest {

  /** A result of a location after a gap of 5 s × {@code gaps}: 0 pass, 1 fail, 2 certificate. */
  record Step(String location, int kind, int gaps) {}

  @Provide
  Arbitrary<List<Step>> scripts() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.of("a", "b", "c"),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 50))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 40)
  void theTopologyEmitsWhatTheCoreDecides(@ForAll("scripts") List<Step> script) {
    Script core = new Script(Policy.DEFAULT);
    List<IncidentEvent> expected = new ArrayList<>();
    try (Driven d = new Driven()) {
      d.target();
      Instant t = Driven.T0;
      Instant ticked = Driven.T0;
      for (Step step : script) {
        t = t.plus(Driven.TICK.multipliedBy(step.gaps()));
        while (!ticked.isAfter(t)) { // the driver ticks at t, too, before the result
          core.tick(ticked);
          ticked = ticked.plus(Driven.TICK);
        }
        Instant at = t;
        Instant expires = at.plus(Duration.ofDays(step.gaps() % 2 == 0 ? 3 : 40));
        switch (step.kind()) {
          case 0 -> {
            d.result(step.location(), at, b -> b.up(200));
            core.feed(core.result(step.location(), at, true, 100));
          }
          case 1 -> {
            d.result(step.location(), at, b -> b.down(Reason.HTTP_STATUS).statusCode(503));
            core.feed(core.result(step.location(), at, false, 100));
          }
          default -> {
            d.result(step.location(), at, b -> b.up(200).tlsExpiresAt(expires));
            core.cert(step.location(), at, expires);
          }
        }
      }
      Instant end = t.plus(Duration.ofMinutes(10));
      while (!ticked.isAfter(end)) {
        core.tick(ticked);
        ticked = ticked.plus(Driven.TICK);
      }
      d.until(end);
      for (Transition tr : core.transitions()) {
        expected.add(IncidentEvents.of(tr, "The shop", "default"));
      }
      Statistics.label("events").collect(!expected.isEmpty());
      Statistics.label("events").coverage(c -> c.check(true).percentage(p -> p > 30));
      Statistics.label("no-data").collect(expected.stream().anyMatch(
          e -> e.severity() == dev.webmon.event.IncidentSeverity.NO_DATA));
      assertThat(d.events()).isEqualTo(expected);
    }
  }
}
