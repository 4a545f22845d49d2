package dev.webmon.sink;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code webmon sink} as a child process from the packaged jar (system property webmon.jar). */
final class SinkProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private SinkProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Path jar() {
    String jar = System.getProperty("webmon.jar", "target/webmon.jar");
    Path path = Path.of(jar);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("No packaged jar at " + path + ": run ./mvnw verify (the jar is built in package)");
    }
    return path;
  }

  static SinkProcess start(
      KafkaConfig kafka, TopicsConfig topics, PostgresConfig pg, Path log, String... extraArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Duser.timezone=UTC"));
    cmd.addAll(List.of("-jar", jar().toString(), "sink"));
    cmd.addAll(
        List.of(
            "--kafka-bootstrap-servers", kafka.bootstrapServers(),
            "--topics-prefix", topics.prefix(),
            "--postgres-url", pg.url(),
            "--postgres-user", pg.user(),
            "--postgres-sslmode", "DISABLE",
            "--sink-metrics-port", "0"));
    cmd.addAll(List.of(extraArgs));
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    // The password travels in the environment, not on the command line (visible in ps).
    pb.environment().put("WEBMON_POSTGRES_PASSWORD", pg.password().reveal());
    return new SinkProcess(pb.start(), log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, like {@code kill -9}, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("sink process did not die after SIGKILL");
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

  /** The port of the /metrics and /health endpoint, once the sink logged it. */
  OptionalInt metricsPort() throws IOException {
    Matcher m = Pattern.compile("Sink metrics on http://[^:]+:(\\d+)/metrics").matcher(log());
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
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
        throw new IllegalStateException("interrupted while killing the sink process", e);
      }
    }
  }
}
