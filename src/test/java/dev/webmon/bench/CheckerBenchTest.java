package dev.webmon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckerBenchTest {
  @Test
  void readsWrksRate() throws IOException {
    String output =
        """
        Running 3s test @ http://127.0.0.1:18080/
          2 threads and 64 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     1.21ms  500.00us  10.00ms   90.00%
          144000 requests in 3.00s, 300.00MB read
        Requests/sec:  48012.34
        Transfer/sec:    100.00MB
        """;
    assertThat(CheckerBench.parseWrk(output)).isEqualTo(48012.34);
    assertThatThrownBy(() -> CheckerBench.parseWrk("unable to connect")).hasMessageContaining("unable to connect");
  }

  @Test
  void medians() {
    assertThat(CheckerBench.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(CheckerBench.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
  }

  @Test
  void thePageIsAboutTwoKilobytesAndEndsWithTheMarker() {
    String page = BenchServer.page();
    assertThat(page.length()).isBetween(2000, 2300);
    assertThat(page).contains(BenchServer.MARKER);
  }
}
