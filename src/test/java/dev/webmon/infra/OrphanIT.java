package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code kill -9} of a webmon process leaves behind: its broker child stops by itself;
 * its (daemonised) PostgreSQL keeps running and the next start on the same directory takes over.
 */
class OrphanIT {

  @Test
  void brokerDiesWithItsParentAndPostgresIsTakenOverOnRestart(@TempDir Path dir) throws Exception {
    Path kafkaDir = dir.resolve("kafka");
    Path pgDir = dir.resolve("pg");
    Process parent =
        new ProcessBuilder(
                List.of(
                    EmbeddedKafka.javaBinary(),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    EmbeddedKafka.absoluteClassPath(),
                    ParentProcessMain.class.getName(),
                    kafkaDir.toString(),
                    pgDir.toString()))
            .redirectError(dir.resolve("parent.log").toFile())
            .start();
    long brokerPid = -1;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String ready =
          CompletableFuture.supplyAsync(() -> readReadyLine(out))
              .get(120, TimeUnit.SECONDS);
      assertThat(ready).as("parent output; see %s", dir.resolve("parent.log")).startsWith("READY");
      brokerPid = Long.parseLong(ready.substring(ready.indexOf('=') + 1).strip());
      long postgresPid = Long.parseLong(Files.readAllLines(pgDir.resolve("pgdata/postmaster.pid")).get(0).strip());

      parent.destroyForcibly();
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

      long pid = brokerPid;
      await().atMost(Duration.ofSeconds(30)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      assertThat(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive)).as("orphaned postgres").contains(true);

      try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(pgDir).start();
          Connection c = EmbeddedPostgresIT.connect(pg.postgresConfig());
          Statement s = c.createStatement()) {
        assertThat(EmbeddedPostgresIT.query(s, "select 1")).isEqualTo("1");
        assertThat(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      }
    } finally {
      parent.destroyForcibly();
      if (brokerPid > 0) {
        ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static String readReadyLine(BufferedReader out) {
    try {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY")) {
          return line;
        }
      }
      return "(parent exited without READY)";
    } catch (java.io.IOException e) {
      return "(cannot read parent output: " + e + ")";
    }
  }
}
