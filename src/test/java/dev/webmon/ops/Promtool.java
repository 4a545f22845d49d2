package dev.webmon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Validates Prometheus text with an independent parser: {@code promtool check metrics} from
 * Debian's {@code prometheus} package (installed by .ci/run). A missing promtool fails the test
 * rather than skipping it.
 */
public final class Promtool {
  private static final Path PROMTOOL = Path.of(System.getProperty("webmon.promtool", "/usr/bin/promtool"));

  /**
   * Lints promtool reports about meter names we do not choose, with the reason they stay. Each
   * entry is a prefix of a line of promtool's output.
   */
  private static final List<String> THIRD_PARTY_LINTS =
      List.of(
          // HikariCP's Micrometer tracker names its timers *_seconds but its gauges
          // (hikaricp_connections, hikaricp_connections_max, ...) are plain counts: promtool only
          // flags a counter-like name ending in _total it does not see here. (Kept empty of real
          // entries until promtool reports one; see assertValid.)
          );

  private Promtool() {}

  /** Fails with promtool's report unless {@code text} parses and lints clean. */
  public static void assertValid(String text) {
    assertThat(Files.isExecutable(PROMTOOL))
        .as("promtool (Debian package prometheus) at %s; .ci/run installs it", PROMTOOL)
        .isTrue();
    try {
      Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      }
      String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
      List<String> problems =
          report.lines().filter(l -> !l.isBlank()).filter(l -> THIRD_PARTY_LINTS.stream().noneMatch(l::startsWith)).toList();
      assertThat(problems).as("promtool check metrics (exit %d) on:%n%s", p.exitValue(), text).isEmpty();
      assertThat(text).as("something to check").contains("# TYPE ");
    } catch (IOException e) {
      throw new AssertionError("cannot run " + PROMTOOL, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
