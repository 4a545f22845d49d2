package dev.webmon.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar as an operator would: {@code java -jar webmon.jar init ...}. */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class InitCommandIT {
  @TempDir Path workDir;

  record Result(int exit, String output) {}

  private Result webmon(List<String> args, Path dir) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(System.getProperty("webmon.jar", "target/webmon.jar"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("webmon init finished within 120 s").isTrue();
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void initFromTheJarIsIdempotentAndNeverPrintsTheSecret(EmbeddedKafka kafka, TestDatabase db) throws Exception {
    String prefix = KafkaExtension.uniqueTopic("jar");
    String password = db.config().password().reveal();
    assertThat(password).as("the test database has a password to leak").isNotBlank();
    // The password comes from a private .env file, as an operator would keep it.
    Path env = workDir.resolve(".env");
    Files.writeString(env, "WEBMON_POSTGRES_PASSWORD=" + password + "\n");
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    List<String> args =
        List.of(
            "init",
            "--kafka-bootstrap-servers", kafka.bootstrapServers(),
            "--topics-prefix", prefix,
            "--postgres-url", db.jdbcUrl(),
            "--postgres-user", db.config().user(),
            "--postgres-sslmode", "disable");

    Result first = webmon(args, workDir);
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output()).contains("topic " + prefix + ".targets: CREATED").contains("schema: applied").contains("init: done");
    assertThat(first.output()).doesNotContain(password);

    Result second = webmon(args, workDir);
    assertThat(second.exit()).as(second.output()).isZero();
    assertThat(second.output()).contains("topic " + prefix + ".results: OK").contains("init: nothing to do");
    assertThat(second.output()).doesNotContain(password);
  }

  @Test
  void aWorldReadableDotEnvIsRefusedWithTheChmodToRun(EmbeddedKafka kafka) throws Exception {
    Path env = workDir.resolve(".env");
    Files.writeString(env, "WEBMON_POSTGRES_PASSWORD=visible-to-all\n");
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r--r--"));

    Result r = webmon(List.of("init", "--kafka-bootstrap-servers", kafka.bootstrapServers()), workDir);

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("chmod 600 " + env.toAbsolutePath()).doesNotContain("visible-to-all");
  }
}
