package dev.webmon.notifier;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code webmon notifier} as a child process from the packaged jar (system property webmon.jar). */
final class NotifierProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private NotifierProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static NotifierProcess start(KafkaConfig kafka, TopicsConfig topics, PostgresConfig pg, Path log, String... extraArgs)
      throws IOException {
    Path jar = Path.of(System.getProperty("webmon.jar", "target/webmon.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("No packaged jar at " + jar + ": run ./mvnw verify (the jar is built in package)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Duser.timezone=UTC"));
    cmd.addAll(List.of("-jar", jar.toString(), "notifier"));
    cmd.addAll(
        List.of(
            "--kafka-bootstrap-servers", kafka.bootstrapServers(),
            "--topics-prefix", topics.prefix(),
            "--postgres-url", pg.url(),
            "--postgres-user", pg.user(),
            "--postgres-sslmode", "DISABLE",
            "--check-allowed-networks", "127.0.0.1/32",
            "--notifier-metrics-port", "0"));
    cmd.addAll(List.of(extraArgs));
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("WEBMON_POSTGRES_PASSWORD", pg.password().reveal());
    return new NotifierProcess(pb.start(), log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, like {@code kill -9}, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("notifier process did not die after SIGKILL");
    }
  }

  /** SIGTERM and a bounded wait; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing the notifier process", e);
      }
    }
  }
}
