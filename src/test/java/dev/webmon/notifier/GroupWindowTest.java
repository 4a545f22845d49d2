package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The grouping rule on exact instants (Alertmanager's group_wait acceptance tests are the model):
 * a head queued at T takes what is queued before T + wait, not at it.
 */
class GroupWindowTest {
  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  private final GroupWindow window = new GroupWindow(Duration.ofSeconds(30));

  @Test
  void theWindowIsHalfOpenTheHeadsInstantIncludedItsEndExcluded() {
    assertThat(window.closesAt(T)).isEqualTo(Instant.parse("2026-03-01T12:00:30Z"));
    assertThat(window.joins(T, ChannelType.WEBHOOK, "OPENED", T)).as("queued with the head").isTrue();
    assertThat(window.joins(T, ChannelType.WEBHOOK, "OPENED", T.plusMillis(29_999))).as("T+29.999 s").isTrue();
    assertThat(window.joins(T, ChannelType.WEBHOOK, "OPENED", T.plusSeconds(30).minusNanos(1_000)))
        .as("T+29.999999 s, the last microsecond").isTrue();
    assertThat(window.joins(T, ChannelType.WEBHOOK, "OPENED", T.plusSeconds(30))).as("T+30 s").isFalse();
    assertThat(window.joins(T, ChannelType.WEBHOOK, "OPENED", T.plusSeconds(31))).isFalse();
  }

  @Test
  void anOpenedIsDueWhenItsWindowClosesEverythingElseAtOnce() {
    assertThat(window.dueAt("OPENED", T)).isEqualTo(window.closesAt(T)).isEqualTo(T.plusSeconds(30));
    for (String kind : new String[] {"UPDATED", "ACKNOWLEDGED", "RESOLVED", "REMINDER", "ESCALATION", "GIVE_UP"}) {
      assertThat(window.dueAt(kind, T)).as(kind).isEqualTo(T);
    }
  }

  @Test
  void onlyOpenedRowsAreGroupedAndNeverOnPagerDutyOrOpsgenie() {
    assertThat(window.groups("OPENED", ChannelType.SLACK)).isTrue();
    assertThat(window.groups("RESOLVED", ChannelType.SLACK)).as("a RESOLVED head goes alone").isFalse();
    assertThat(window.groups("ACKNOWLEDGED", ChannelType.WEBHOOK)).isFalse();
    assertThat(window.joins(T, ChannelType.WEBHOOK, "RESOLVED", T.plusSeconds(1))).as("a RESOLVED never joins").isFalse();
    assertThat(window.joins(T, ChannelType.WEBHOOK, "REMINDER", T.plusSeconds(1))).isFalse();
    assertThat(window.groups("OPENED", ChannelType.PAGERDUTY)).isFalse();
    assertThat(window.groups("OPENED", ChannelType.OPSGENIE)).isFalse();
    assertThat(window.joins(T, ChannelType.OPSGENIE, "OPENED", T.plusSeconds(1))).isFalse();
  }

  @Test
  void aZeroWaitTurnsGroupingOffAndMakesOpenedDueAtOnce() {
    GroupWindow off = new GroupWindow(Duration.ZERO);
    assertThat(off.groups("OPENED", ChannelType.WEBHOOK)).isFalse();
    assertThat(off.joins(T, ChannelType.WEBHOOK, "OPENED", T)).as("not even at the same instant").isFalse();
    assertThat(off.dueAt("OPENED", T)).isEqualTo(T);
    assertThatThrownBy(() -> new GroupWindow(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClocksInstantIsTakenAtPostgresPrecisionTruncated() {
    HandClock clock = new HandClock(T.plusSeconds(30).minusNanos(1));
    assertThat(GroupWindow.now(clock)).isEqualTo(T.plusSeconds(30).minusNanos(1_000));
    clock.set(T.plusMillis(29_999));
    assertThat(GroupWindow.now(clock)).isEqualTo(T.plusMillis(29_999));
  }
}
