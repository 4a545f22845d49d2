package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.WebmonException;
import dev.webmon.event.PolicyFields;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StateCodecTest {

  /** Version 1 of {@link #busy()}'s state, as the encoder before version 2 wrote it. */
  private static final String BUSY_V1 =
      "0100000003000161010000000069a42ab80000000000000000000000000000000000000007000000"
      + "02000000000000000000000000010000000000000000000000000000000400000000020000000069"
      + "a42a7c00000000000000000000000000000000000000040000000069a42ab8000000000000000000"
      + "0000000000000000000007010000000000000000000000000000000401000b485454505f53544154"
      + "5553000162010000000069a42ac20000000000000000000000000000000000000008000000020000"
      + "00000000000000000000010000000000000000000000000000000500000000020000000069a42a86"
      + "00000000000000000000000000000000000000050000000069a42ac2000000000000000000000000"
      + "0000000000000008010000000000000000000000000000000501000b485454505f53544154555300"
      + "0163000000000069a42acc0000000000000000000000000000000000000009000000000000000300"
      + "000000000000030000000000000000010000000069a42af400000000000000010000000069a42ac2"
      + "00000000010000000069a42ac200000000000000000000000001011d65007506ab3b26aff24fbdd8"
      + "fe4ec20000000000000002000000000069a42ac20000000000000000000000000000000000000008"
      + "000000020001610101000b485454505f535441545553010000000000000000000000000000000400"
      + "01620101000b485454505f5354415455530100000000000000000000000000000005000000020000"
      + "0003010005616c696365000000000069a42af400000000000000000000000001010000000069a6cd"
      + "4000000000012a0e06a7810a301697d7d2edbc81ae5a0000000000000001040000000069a42acc00"
      + "00000000000000000000000000000000000009000000020001610101000b485454505f5354415455"
      + "5301000000000000000000000000000000040001620101000b485454505f53544154555301000000"
      + "00000000000000000000000005000000020000000300010000000069a6cd4000000000";

  private static Script busy() {
    return new Script(Policy.DEFAULT.withFailuresInWindow(3, Duration.ofMinutes(10)))
        .pass("a", "12:00").pass("b", "12:00:10").pass("c", "12:00:20")
        .fail("a", "12:01").fail("b", "12:01:10").slow("c", "12:01:20", 900)
        .fail("a", "12:02").fail("b", "12:02:10")
        .cert("c", "12:02:20", Script.T0.plus(Duration.ofDays(2)))
        .ack(1, "alice", "12:03");
  }

  @Test
  void aBusyTargetRoundTripsCompactly() {
    TargetAlerts state = busy().state();
    assertThat(state.availability().open()).hasValueSatisfying(i -> assertThat(i.ack()).isPresent());
    assertThat(state.certificate().open()).isPresent();
    byte[] bytes = StateCodec.encode(state);
    assertThat(StateCodec.decodeAlerts(Script.TARGET, bytes)).isEqualTo(state);
    assertThat(bytes[0]).isEqualTo(StateCodec.VERSION);
    assertThat(bytes.length).as("3 locations, 2 open incidents").isLessThan(600);
  }

  @Test
  void version1IsStillRead() {
    // A changelog written before version 2 holds such states until each target's next write.
    byte[] v1 = HexFormat.of().parseHex(BUSY_V1);
    assertThat(v1[0]).isEqualTo(StateCodec.VERSION_1);
    assertThat(StateCodec.decodeAlerts(Script.TARGET, v1)).isEqualTo(busy().state());
    assertThat(StateCodec.encode(busy().state()).length).isLessThan(v1.length * 3 / 4);
  }

  @Test
  void textOutsideAsciiAndLocationsOnlyInAnIncidentRoundTrip() {
    Script s = new Script(Policy.DEFAULT).pass("zrh", "12:00").fail("zrh", "12:01")
        .fail("zrh", "12:02").ack(1, "Zoë Müller 🙂", "12:03");
    TargetAlerts state = s.state();
    assertThat(state.availability().open()).isPresent();
    assertThat(StateCodec.decodeAlerts(Script.TARGET, StateCodec.encode(state))).isEqualTo(state);
    Incident open = state.availability().open().orElseThrow();
    Incident elsewhere = new Incident(open.id(), open.seq(), open.severity(), open.openedAt(),
        open.cause(), List.of(new LocationVerdict("gone", Status.UNKNOWN, Optional.empty(),
            Optional.empty())), open.quorum(), open.reporting(), open.ack(), Optional.empty());
    IncidentTracker a = state.availability();
    TargetAlerts odd = new TargetAlerts(state.locations(), new IncidentTracker(a.targetId(),
        a.lastStatus(), a.lastAt(), a.changes(), a.lastChange(), a.flapping(), a.opened(),
        Optional.of(elsewhere)), state.certificate());
    assertThat(StateCodec.decodeAlerts(Script.TARGET, StateCodec.encode(odd))).isEqualTo(odd);
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
    future[0] = 3;
    assertThatThrownBy(() -> StateCodec.decodeAlerts("t", future))
        .isInstanceOf(WebmonException.class).hasMessageContaining("target t has format 3");
    assertThatThrownBy(() -> StateCodec.decodeAlerts("t", Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(WebmonException.class).hasMessageContaining("truncated");
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> StateCodec.decodeAlerts("t", longer))
        .isInstanceOf(WebmonException.class).hasMessageContaining("too many");
  }
}
