package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.WebmonException;
import dev.webmon.event.PolicyFields;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StateCodecTest {

  @Test
  void aBusyTargetRoundTripsCompactly() {
    Script s = new Script(Policy.DEFAULT.withFailuresInWindow(3, Duration.ofMinutes(10)))
        .pass("a", "12:00").pass("b", "12:00:10").pass("c", "12:00:20")
        .fail("a", "12:01").fail("b", "12:01:10").slow("c", "12:01:20", 900)
        .fail("a", "12:02").fail("b", "12:02:10")
        .cert("c", "12:02:20", Script.T0.plus(Duration.ofDays(2)))
        .ack(1, "alice", "12:03");
    TargetAlerts state = s.state();
    assertThat(state.availability().open()).hasValueSatisfying(i -> assertThat(i.ack()).isPresent());
    assertThat(state.certificate().open()).isPresent();
    byte[] bytes = StateCodec.encode(state);
    assertThat(StateCodec.decodeAlerts(Script.TARGET, bytes)).isEqualTo(state);
    assertThat(bytes[0]).isEqualTo(StateCodec.VERSION);
    assertThat(bytes.length).as("3 locations, 2 open incidents").isLessThan(1200);
  }

  @Test
  void aFreshStateIsSmall() {
    TargetAlerts fresh = TargetAlerts.start("t");
    byte[] bytes = StateCodec.encode(fresh);
    assertThat(StateCodec.decodeAlerts("t", bytes)).isEqualTo(fresh);
    assertThat(bytes.length).isLessThan(64);
  }

  @Test
  void aWatchRoundTrips() {
    Watch w = new Watch(7, "The shop", Duration.ofSeconds(30), Duration.ofMillis(2500),
        List.of("cdn", "eu"), Optional.of("strict"),
        new PolicyFields(Optional.of(3), Optional.of(4), Optional.of(Duration.ofMinutes(5)),
            Optional.empty(), Optional.of(800L), Optional.of(2), Optional.of(30), Optional.empty(),
            Optional.of(Duration.ofHours(1))));
    assertThat(StateCodec.decodeWatch("t", StateCodec.encode(w))).isEqualTo(w);
    Watch bare = new Watch(1, "x", Duration.ofMinutes(1), Duration.ofSeconds(10), List.of(),
        Optional.empty(), PolicyFields.NONE);
    assertThat(StateCodec.decodeWatch("t", StateCodec.encode(bare))).isEqualTo(bare);
  }

  @Test
  void anotherVersionOrTruncatedBytesAreRefused() {
    byte[] bytes = StateCodec.encode(TargetAlerts.start("t"));
    byte[] future = bytes.clone();
    future[0] = 2;
    assertThatThrownBy(() -> StateCodec.decodeAlerts("t", future))
        .isInstanceOf(WebmonException.class).hasMessageContaining("target t has format 2");
    assertThatThrownBy(() -> StateCodec.decodeAlerts("t", Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(WebmonException.class).hasMessageContaining("truncated");
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> StateCodec.decodeAlerts("t", longer))
        .isInstanceOf(WebmonException.class).hasMessageContaining("too many");
  }
}
