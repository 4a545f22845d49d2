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
 * Debian's {@code prometheus} package (installed by .ci/run), which parses the text format and
 * lints it (help text, {@code _total} counters, base units). A missing promtool fails the test
 * rather than skipping it.
 */
public final class Promtool {
  private static final Path PROMTOOL = Path.of(System.getProperty("webmon.promtool", "/usr/bin/promtool"));

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
      // No exceptions: our meters and the third-party ones (HikariCP's Micrometer tracker) lint
      // clean, so any line promtool prints is a problem.
      List<String> problems = report.lines().filter(l -> !l.isBlank()).toList();
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
