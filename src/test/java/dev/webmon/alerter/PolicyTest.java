package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PolicyTest {

  @Test
  void defaults() {
    Policy p = Policy.DEFAULT;
    assertThat(p.failureThreshold()).isEqualTo(2);
    assertThat(p.windowRule()).isFalse();
    assertThat(p.recoveryThreshold()).isEqualTo(2);
    assertThat(p.degradedRule()).isFalse();
    assertThat(p.tlsExpiryWarningDays()).isEqualTo(14);
    assertThat(p.flapChanges()).isEqualTo(6);
    assertThat(p.flapWindow()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void defaultQuorumIsAMajorityOfTheReportingLocations() {
    assertThat(Policy.DEFAULT.quorumFor(1)).isEqualTo(1);
    assertThat(Policy.DEFAULT.quorumFor(2)).isEqualTo(2);
    assertThat(Policy.DEFAULT.quorumFor(3)).isEqualTo(2);
    assertThat(Policy.DEFAULT.quorumFor(4)).isEqualTo(3);
    assertThat(Policy.DEFAULT.quorumFor(5)).isEqualTo(3);
    assertThat(Policy.DEFAULT.withQuorum(1).quorumFor(5)).isEqualTo(1);
  }

  @Test
  void eachBadValueNamesItsField() {
    rejects(() -> Policy.DEFAULT.withFailureThreshold(0), "failureThreshold", "between 1 and 100, was 0");
    rejects(() -> Policy.DEFAULT.withFailuresInWindow(-1, Duration.ZERO), "failuresInWindow", "was -1");
    rejects(() -> Policy.DEFAULT.withFailuresInWindow(3, Duration.ZERO), "window", "between 1 s and 1 day");
    rejects(() -> Policy.DEFAULT.withFailuresInWindow(3, Duration.ofDays(2)), "window", "PT48H");
    rejects(() -> Policy.DEFAULT.withFailuresInWindow(0, Duration.ofMinutes(5)), "window", "must be 0");
    rejects(() -> Policy.DEFAULT.withFailuresInWindow(3, null), "window", "is required");
    rejects(() -> Policy.DEFAULT.withRecoveryThreshold(101), "recoveryThreshold", "was 101");
    rejects(() -> Policy.DEFAULT.withDegradedAboveMs(-5), "degradedAboveMs", "was -5");
    rejects(() -> Policy.DEFAULT.withQuorum(-1), "quorum", "was -1");
    rejects(() -> Policy.DEFAULT.withFlapping(0, Duration.ofMinutes(30)), "flapChanges", "was 0");
    rejects(() -> Policy.DEFAULT.withFlapping(6, Duration.ofSeconds(59)), "flapWindow", "PT59S");
    rejects(() -> Policy.DEFAULT.withFlapping(6, null), "flapWindow", "between 1 min and 1 day");
    rejects(
        () -> new Policy(2, 0, Duration.ZERO, 2, 0, 0, 366, 6, Duration.ofMinutes(30)),
        "tlsExpiryWarningDays", "was 366");
  }

  private static void rejects(Supplier<Policy> make, String field, String detail) {
    assertThatThrownBy(make::get)
        .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith("policy field " + field + " ")
        .hasMessageContaining(detail);
  }
}
