package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void aFloodOfNewAddressesEvictsTheOldestCountersNotAll() {
    LoginThrottle throttle = new LoginThrottle(Clock.fixed(T0, ZoneOffset.UTC));
    for (int i = 0; i < 10_000; i++) {
      throttle.failed("old-" + i);
    }
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      throttle.failed("recent");
    }
    throttle.failed("one-more");
    assertThatThrownBy(() -> throttle.check("recent")).isInstanceOf(TooManyRequestsException.class);
    assertThatCode(() -> throttle.check("old-0")).doesNotThrowAnyException();
  }
}
