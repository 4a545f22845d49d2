package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceScope;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.event.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random failing scripts under random maintenance windows through the topology: no OPENED
 * transition (of any severity) has its {@code at} inside a window active for the target, and
 * once the windows are gone a target that keeps failing has an open incident (opening is
 * level-triggered: nothing held back is lost).
 */
class MaintenancePropertiesTest {
  private static final List<String> TAGS = List.of("web");

  /** A result of a location after {@code gap} seconds: 0 pass, 1 fail, 2 near certificate. */
  record Step(String location, int kind, int gap) {}

  /**
   * A window: a one-off one ({@code cron = false}: from T0 + {@code offset} s for {@code length}
   * s) or a cron one (every 10 min from minute {@code offset % 10}, for {@code length % 9 + 1}
   * min); scope 0 all, 1 the target's id, 2 a tag it has, 3 a tag it lacks.
   */
  record Win(boolean cron, int offset, int length, int scope) {
    MaintenanceWindow window() {
      MaintenanceScope s = switch (scope) {
        case 0 -> MaintenanceScope.ALL;
        case 1 -> new MaintenanceScope(false, List.of(Driven.TARGET), List.of());
        case 2 -> new MaintenanceScope(false, List.of(), List.of("web"));
        default -> new MaintenanceScope(false, List.of(), List.of("db"));
      };
      MaintenanceSchedule schedule = cron
          ? new MaintenanceSchedule.Cron(String.format(Locale.ROOT, "%d/10 * * * *", offset % 10),
              Duration.ofMinutes(length % 9 + 1L), ZoneId.of("Europe/Berlin"))
          : new MaintenanceSchedule.Once(Driven.T0.plusSeconds(offset),
              Driven.T0.plusSeconds(offset + (long) length));
      return MaintenanceTopologyTest.window(s, schedule);
    }
  }

  @Provide
  Arbitrary<List<Step>> scripts() {
    Arbitrary<Integer> gaps = Arbitraries.frequencyOf(
        Tuple.of(9, Arbitraries.integers().between(1, 90)),
        Tuple.of(1, Arbitraries.integers().between(180, 420))); // silences, too
    Arbitrary<Step> step = Combinators.combine(Arbitraries.of("a", "b"),
            Arbitraries.frequency(Tuple.of(4, 0), Tuple.of(5, 1),
                Tuple.of(1, 2)), gaps)
        .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(80);
  }

  @Provide
  Arbitrary<List<Win>> windows() {
    Arbitrary<Win> w = Combinators.combine(Arbitraries.of(false, false, true),
            Arbitraries.integers().between(0, 3600), Arbitraries.integers().between(30, 1200),
            Arbitraries.integers().between(0, 3))
        .as(Win::new);
    return w.list().ofMinSize(1).ofMaxSize(3);
  }

  @Property(tries = 50)
  void nothingOpensInsideAnActiveWindowAndWhatIsHeldBackOpensLater(
      @ForAll("scripts") List<Step> script, @ForAll("windows") List<Win> wins,
      @ForAll boolean twitchy) {
    List<MaintenanceWindow> windows = wins.stream().map(Win::window).toList();
    try (Driven d = new Driven()) {
      d.target(twitchy
          ? Driven.spec().tag("web").alertOverrides(Driven.fields(f -> f.failureThreshold(1)
              .recoveryThreshold(1).flapping(2, Duration.ofMinutes(10)))).build()
          : Driven.spec().tag("web").build());
      windows.forEach(w -> MaintenanceTopologyTest.publish(d, w));
      Instant t = Driven.T0;
      boolean mutedFailure = false;
      for (Step s : script) {
        t = t.plusSeconds(s.gap());
        Instant at = t;
        switch (s.kind()) {
          case 0 -> d.result(s.location(), at, b -> b.up(200));
          case 1 -> d.result(s.location(), at, b -> b.down(Reason.HTTP_STATUS).statusCode(503));
          default -> d.result(s.location(), at,
              b -> b.up(200).tlsExpiresAt(at.plus(Duration.ofDays(3))));
        }
        mutedFailure |= s.kind() != 0 && muted(windows, at);
      }
      for (IncidentEvent e : d.events()) {
        if (e.kind() == IncidentEvent.Kind.OPENED) {
          assertThat(muted(windows, e.at()))
              .as("%s %s opened at %s inside a window", e.severity(), e.incidentId(), e.at())
              .isFalse();
        }
      }
      Statistics.label("a failure inside a window").collect(mutedFailure);
      Statistics.label("a failure inside a window")
          .coverage(c -> c.check(true).percentage(p -> p >= 15)); // ≈ 40 % typical; 15 is 3.5 sd below at 50 tries

      Instant end = t.plusSeconds(30);
      d.until(end);
      for (MaintenanceWindow w : windows) {
        d.raw(Driven.TOPICS.maintenance(), w.id().toString(), null);
      }
      for (int m = 1; m <= 3; m++) {
        Instant at = end.plus(Duration.ofMinutes(m));
        d.result("a", at, b -> b.down(Reason.TIMEOUT));
        d.result("b", at.plusSeconds(1), b -> b.down(Reason.TIMEOUT));
      }
      List<IncidentEvent> availability = d.events().stream()
          .filter(e -> e.severity() != IncidentSeverity.CERTIFICATE).toList();
      assertThat(availability).as("events of the availability lane").isNotEmpty();
      assertThat(availability.get(availability.size() - 1).kind())
          .as("the availability incident is open").isNotEqualTo(IncidentEvent.Kind.RESOLVED);
    }
  }

  private static boolean muted(List<MaintenanceWindow> windows, Instant t) {
    return windows.stream().anyMatch(w -> w.mutes(Driven.TARGET, TAGS, t));
  }
}
