package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyFieldsTest {

  private static PolicyFields quorum(int k) {
    return new PolicyFields(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(k), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  private static PolicyFields window(int n, Duration w) {
    return new PolicyFields(Optional.empty(), Optional.of(n), Optional.of(w), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @ParameterizedTest
  @CsvSource({
    "failureThreshold, 0", "failureThreshold, 101", "failuresInWindow, -1",
    "failuresInWindow, 1001", "recoveryThreshold, 0", "quorum, -1", "quorum, 1001",
    "tlsExpiryWarningDays, 366", "flapChanges, 0"
  })
  void eachIntegerFieldOutOfRangeIsRefusedByName(String field, int value) {
    Optional<Integer> v = Optional.of(value);
    Optional<Integer> e = Optional.empty();
    assertThatThrownBy(() -> new PolicyFields(
            field.equals("failureThreshold") ? v : e, field.equals("failuresInWindow") ? v : e,
            Optional.empty(), field.equals("recoveryThreshold") ? v : e, Optional.empty(),
            field.equals("quorum") ? v : e, field.equals("tlsExpiryWarningDays") ? v : e,
            field.equals("flapChanges") ? v : e, Optional.empty()))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo(field));
  }

  @Test
  void durationsOutOfRangeAreRefusedByName() {
    assertThatThrownBy(() -> window(3, Duration.ofMillis(500)))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("window"));
    assertThatThrownBy(() -> window(3, Duration.ofDays(2)))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("window"));
    assertThatThrownBy(() -> new PolicyFields(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.of(600_001L), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty()))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("degradedAboveMs"));
    assertThatThrownBy(() -> new PolicyFields(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.of(Duration.ofSeconds(59))))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("flapWindow"));
  }

  @Test
  void theWindowRuleNeedsBothHalvesOnceMerged() {
    PolicyFields onlyWindow = window(0, Duration.ofMinutes(10));
    assertThatThrownBy(onlyWindow::checkComplete)
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("window"));
    PolicyFields onlyCount = window(3, Duration.ZERO);
    assertThatThrownBy(onlyCount::checkComplete)
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("failuresInWindow"));
    assertThat(window(3, Duration.ofMinutes(10)).checkComplete()).isNotNull();
    assertThat(PolicyFields.NONE.checkComplete()).isEqualTo(PolicyFields.NONE);
  }

  @Test
  void overTakesTheTopFieldsAndKeepsTheRest() {
    PolicyFields base = window(3, Duration.ofMinutes(10)).over(quorum(1));
    PolicyFields merged = quorum(2).over(base);
    assertThat(merged.quorum()).contains(2);
    assertThat(merged.failuresInWindow()).contains(3);
    assertThat(merged.window()).contains(Duration.ofMinutes(10));
    assertThat(PolicyFields.NONE.isEmpty()).isTrue();
    assertThat(merged.isEmpty()).isFalse();
  }

  @Test
  void policyNamesAreLowerCaseIdentifiers() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    assertThatThrownBy(() -> new AlertPolicySpec("Critical", 1, List.of(), PolicyFields.NONE, at))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("name"));
    assertThatThrownBy(() -> new AlertPolicySpec("a b", 1, List.of(), PolicyFields.NONE, at))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("name"));
    assertThatThrownBy(() -> TargetSpec.builder("t", "https://example.com/").alertPolicy("X").build())
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("alertPolicy"));
  }

  @Test
  void incidentInvariantsAreChecked() {
    IncidentEvent ok = Samples.fullIncident();
    assertThatThrownBy(() -> new IncidentEvent(ok.incidentId(), ok.targetId(), ok.targetName(),
            1, IncidentEvent.Kind.UPDATED, ok.severity(), ok.at(), ok.openedAt(), ok.locations(),
            ok.causeResultId(), 1, 1, "default", ok.acknowledgement(), ok.certificateExpiresAt()))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("seq"));
    assertThatThrownBy(() -> new IncidentEvent(ok.incidentId(), ok.targetId(), ok.targetName(),
            2, IncidentEvent.Kind.ACKNOWLEDGED, ok.severity(), ok.at(), ok.openedAt(),
            ok.locations(), ok.causeResultId(), 1, 1, "default", Optional.empty(),
            ok.certificateExpiresAt()))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("acknowledgement"));
    assertThatThrownBy(() -> new IncidentEvent(ok.incidentId(), ok.targetId(), ok.targetName(),
            2, ok.kind(), ok.severity(), ok.openedAt().minusSeconds(1), ok.openedAt(),
            ok.locations(), ok.causeResultId(), 1, 1, "default", ok.acknowledgement(),
            ok.certificateExpiresAt()))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("at"));
    assertThatThrownBy(() -> new IncidentEvent(ok.incidentId(), ok.targetId(), ok.targetName(),
            2, ok.kind(), IncidentSeverity.CERTIFICATE, ok.at(), ok.openedAt(), ok.locations(),
            ok.causeResultId(), 1, 1, "default", ok.acknowledgement(), Optional.empty()))
        .isInstanceOfSatisfying(InvalidEventException.class,
            ex -> assertThat(ex.field()).isEqualTo("certificateExpiresAt"));
  }

  @Test
  void severityWireNamesRoundTrip() {
    for (IncidentSeverity s : IncidentSeverity.values()) {
      assertThat(IncidentSeverity.fromWire(s.wireName())).isEqualTo(s);
    }
    assertThat(IncidentSeverity.NO_DATA.wireName()).isEqualTo("no-data");
    assertThatThrownBy(() -> IncidentSeverity.fromWire("NO_DATA"))
        .isInstanceOf(InvalidEventException.class);
  }
}
