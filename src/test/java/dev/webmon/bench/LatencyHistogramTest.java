package dev.webmon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void nearestRankPercentilesInMillisecondsWithinATenthOfAPercent() {
    LatencyHistogram h = new LatencyHistogram(TimeUnit.MICROSECONDS);
    for (int i = 1_000; i >= 1; i--) {
      h.record(i * 1_000L); // 1 ms .. 1000 ms
    }
    assertThat(h.count()).isEqualTo(1_000);
    assertThat(h.percentileMs(50)).isCloseTo(500, within(0.5));
    assertThat(h.percentileMs(99)).isCloseTo(990, within(1.0));
    assertThat(h.maxMs()).isCloseTo(1_000, within(1.0));
  }

  @Test
  void unitsConvertToMilliseconds() {
    LatencyHistogram nanos = new LatencyHistogram(TimeUnit.NANOSECONDS);
    nanos.record(2_500_000);
    assertThat(nanos.maxMs()).isCloseTo(2.5, within(0.003));
    LatencyHistogram millis = new LatencyHistogram(TimeUnit.MILLISECONDS);
    millis.record(7);
    assertThat(millis.percentileMs(50)).isEqualTo(7);
  }

  @Test
  void emptyReportsZeroAndNegativeSamplesCountAsZero() {
    LatencyHistogram h = new LatencyHistogram(TimeUnit.MILLISECONDS);
    assertThat(h.count()).isZero();
    assertThat(h.percentileMs(99)).isZero();
    assertThat(h.maxMs()).isZero();
    h.record(-5);
    assertThat(h.count()).isEqualTo(1);
    assertThat(h.maxMs()).isZero();
  }
}
