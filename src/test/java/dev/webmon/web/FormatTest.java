package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FormatTest {
  @Test
  void figures() {
    assertThat(Format.percent(null)).isEqualTo("–");
    assertThat(Format.percent(100.0)).isEqualTo("100 %");
    assertThat(Format.percent(99.999)).isEqualTo("99.99 %");
    assertThat(Format.percent(97.5)).isEqualTo("97.50 %");
    assertThat(Format.millis(12.34)).isEqualTo("12.3 ms");
    assertThat(Format.millis(234.0)).isEqualTo("234 ms");
    assertThat(Format.millis(12_500.0)).isEqualTo("12.5 s");
    assertThat(Format.interval(60)).isEqualTo("1 min");
    assertThat(Format.interval(45)).isEqualTo("45 s");
    assertThat(Format.interval(7200)).isEqualTo("2 h");
    Instant now = Instant.parse("2026-01-01T12:00:00Z");
    assertThat(Format.ago(now.minusSeconds(30), now)).isEqualTo("30 s ago");
    assertThat(Format.ago(now.minusSeconds(7200), now)).isEqualTo("2 h ago");
    assertThat(Format.ago(null, now)).isEqualTo("never");
  }

  @Test
  void sparklinesSplitAtGapsAndDrawLonePoints() {
    assertThat(Format.sparkline(Arrays.asList(1.0, 2.0, null, 2.0, null, null), 50, 10)).hasSize(2);
    assertThat(Format.sparkline(Arrays.asList(1.0, 2.0, null, 2.0, null, null), 50, 10).get(1)).contains(" ");
    assertThat(Format.sparkline(Arrays.asList(null, null), 50, 10)).isEmpty();
    assertThat(Format.sparkline(Arrays.asList(0.0, 4.0), 10, 10)).containsExactly("0.0,9.0 10.0,1.0");
  }

  @Test
  void onlyLocalRedirectsAfterLogin() {
    assertThat(SessionRoutes.safeNext("/targets/abc?window=7d")).isEqualTo("/targets/abc?window=7d");
    assertThat(SessionRoutes.safeNext("//evil.example.com/")).isEqualTo("/targets");
    assertThat(SessionRoutes.safeNext("https://evil.example.com/")).isEqualTo("/targets");
    assertThat(SessionRoutes.safeNext("/\\evil.example.com")).isEqualTo("/targets");
    assertThat(SessionRoutes.safeNext("/x\r\nSet-Cookie: a=b")).isEqualTo("/targets");
    assertThat(SessionRoutes.safeNext(null)).isEqualTo("/targets");
  }
}
