package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Start lateness and memory of the scheduler + runner with many targets and an instant checker. */
class SchedulerBenchTest {
  @Test
  void twentyThousandTargetsAtTenSecondsStartOnTime() throws Exception {
    StringWriter text = new StringWriter();
    SchedulerBench.Result r =
        SchedulerBench.run(
            new SchedulerBench.Options(20_000, Duration.ofSeconds(10), Duration.ofSeconds(21), 256, Duration.ZERO),
            new PrintWriter(text));
    assertThat(r.steady().count()).as(text.toString()).isGreaterThan(20_000);
    assertThat(r.steady().p99Ms()).as(text.toString()).isLessThan(1_000);
    assertThat(r.skippedBehind()).as(text.toString()).isZero();
    assertThat(r.heapAfterGcMb()).isLessThan(512);
    assertThat(text.toString().lines().reduce((a, b) -> b).orElseThrow()).startsWith("{\"bench\":\"scheduler\"");
  }

  /** The goal; about 2.5 minutes, so only with -Dwebmon.long=true. */
  @Test
  void hundredThousandTargetsAtSixtySecondsP99UnderOneSecondAndHeapUnder512Mb() throws Exception {
    assumeTrue(Boolean.getBoolean("webmon.long"), "long test: -Dwebmon.long=true");
    StringWriter text = new StringWriter();
    SchedulerBench.Result r =
        SchedulerBench.run(
            new SchedulerBench.Options(100_000, Duration.ofSeconds(60), Duration.ofSeconds(130), 256, Duration.ZERO),
            new PrintWriter(text));
    System.out.println(text);
    assertThat(r.steady().count()).isGreaterThan(100_000);
    assertThat(r.steady().p99Ms()).as(text.toString()).isLessThan(1_000);
    assertThat(r.firstInterval().p99Ms()).as(text.toString()).isLessThan(1_000);
    assertThat(r.heapAfterGcMb()).isLessThan(512);
  }
}
