package dev.webmon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlerterResultsTest {
  private static final int TARGETS = 1000;
  private static final int LOCATIONS = 3;

  @Test
  void theSameIndexGivesTheSameResultAndRoundsVisitEveryLocationOfEveryTargetOnce() {
    AlerterResults gen = new AlerterResults(TARGETS, LOCATIONS, AlerterResults.Script.BACKLOG, 1);
    Instant at = Instant.parse("2026-12-01T12:00:00Z");
    assertThat(gen.result(4711, at)).isEqualTo(gen.result(4711, at));
    Set<String> keys = new HashSet<>();
    for (long i = gen.perRound(); i < 2 * gen.perRound(); i++) {
      CheckResult r = gen.result(i, at);
      keys.add(r.targetId() + "/" + r.location());
    }
    assertThat(keys).hasSize(TARGETS * LOCATIONS);
  }

  @Test
  void outagesFailAQuorumForConsecutiveRoundsAndOtherFailuresNever() {
    for (AlerterResults.Script script : new AlerterResults.Script[] {AlerterResults.Script.BACKLOG, AlerterResults.Script.DENSE}) {
      AlerterResults gen = new AlerterResults(TARGETS, LOCATIONS, script, 1);
      int rounds = script.cycleRounds() * script.cyclesPerOutage() * 4;
      Set<Integer> opening = new HashSet<>();
      long failures = 0;
      for (int r = 1; r < rounds; r++) {
        for (int t = 0; t < TARGETS; t++) {
          int down = 0;
          for (int l = 0; l < LOCATIONS; l++) {
            long now = r * gen.perRound() + (long) l * TARGETS + t;
            if (gen.fails(now)) {
              failures++;
              if (gen.fails(now - gen.perRound())) {
                down++;
              }
            }
          }
          if (down >= 2) {
            opening.add(t);
          }
        }
      }
      // Only the one target in ten with outages ever has a quorum of locations failing twice in a row.
      assertThat(opening).isNotEmpty().allSatisfy(t -> assertThat(AlerterResults.mix(t) % 10).isZero());
      assertThat(opening.size()).isBetween(TARGETS / 20, TARGETS / 10);
      assertThat((double) failures / (rounds * gen.perRound())).isBetween(0.02, 0.15);
    }
  }

  @Test
  void aFailedResultIsDownWithAStatus() {
    AlerterResults gen = new AlerterResults(TARGETS, LOCATIONS, AlerterResults.Script.DENSE, 2);
    long i = 0;
    while (!gen.fails(i)) {
      i++;
    }
    CheckResult r = gen.result(i, Instant.parse("2026-12-01T12:00:00Z"));
    assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
    assertThat(r.statusCode()).hasValue(503);
    assertThat(gen.result(i + 1, Instant.parse("2026-12-01T12:00:00Z")).resultId()).isNotEqualTo(r.resultId());
  }
}
