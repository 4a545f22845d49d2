package dev.webmon.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The benches' latency samples, on an HdrHistogram with three significant digits (a reported
 * percentile is within 0.1 % of the exact one) that grows to any range, in constant memory per
 * range instead of one slot per sample. Percentiles are nearest-rank; an empty histogram reports
 * 0. Recording is thread-safe and wait-free; read the figures once recording has stopped.
 */
public final class LatencyHistogram {
  private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);
  private final double millisPerUnit;

  /** @param unit the unit of the recorded values */
  public LatencyHistogram(TimeUnit unit) {
    this.millisPerUnit = unit.toNanos(1) / 1e6;
  }

  /** Records one sample; a negative one (clocks that disagree) counts as 0. */
  public void record(long value) {
    histogram.recordValue(Math.max(0, value));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The value below or at which {@code percentile} % (0 to 100) of the samples lie, in milliseconds. */
  public double percentileMs(double percentile) {
    return histogram.getValueAtPercentile(percentile) * millisPerUnit;
  }

  public double maxMs() {
    return histogram.getMaxValue() * millisPerUnit;
  }
}
