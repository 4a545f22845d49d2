package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The topology end to end in a real Streams runtime (TopologyTestDriver): scripted inputs at
 * exact times, the exact incident events out, in the style of Alertmanager's acceptance tests.
 */
class AlerterTopologyTest {
  private final Driven d = new Driven();

  @AfterEach
  void close() {
    d.close();
  }

  @Test
  void twoFailuresOpenTwoPassesResolve() {
    d.target()
        .pass("a", "12:00").fail("a", "12:01").fail("a", "12:02")
        .pass("a", "12:03").pass("a", "12:04");
    assertThat(d.log()).containsExactly(
        "12:02 OPENED down #1 seq=1 [a:DOWN]",
        "12:04 RESOLVED down #1 seq=2 []");
    assertThat(d.keys()).containsOnly(Driven.TARGET);
    var opened = d.events().get(0);
    assertThat(opened.targetName()).isEqualTo("The shop");
    assertThat(opened.policy()).isEqualTo("default");
    assertThat(opened.quorum()).isEqualTo(1);
    assertThat(opened.reporting()).isEqualTo(1);
    assertThat(opened.causeResultId()).isEqualTo(new java.util.UUID(0, 3));
    assertThat(opened.locations().get(0).sinceResultId()).contains(new java.util.UUID(0, 2));
  }
}
