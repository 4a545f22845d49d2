package dev.webmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Secrets files never reach the repository: .gitignore covers .env and key/password files. */
class GitIgnoreTest {
  private static final List<String> SECRET_FILES =
      List.of(".env", ".env.production", "service.key", "client.pem", "kafka.p12", "truststore.jks", "pg-password.txt");

  @Test
  void gitIgnoresEnvAndKeyFiles() throws IOException, InterruptedException {
    assumeTrue(Files.isDirectory(Path.of(".git")) || Files.isRegularFile(Path.of(".git")), "not a git checkout");
    for (String file : SECRET_FILES) {
      Process p = new ProcessBuilder("git", "check-ignore", "-q", "--no-index", file).redirectErrorStream(true).start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as("git check-ignore %s: %s", file, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isZero();
    }
  }
}
