package dev.webmon.infra;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code webmon <command>} child process from the packaged jar (system property webmon.jar),
 * its output in a log file; {@link #close()} kills it if it still runs.
 */
public final class JarProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final String command;

  private JarProcess(Process process, Path log, String command) {
    this.process = process;
    this.log = log;
    this.command = command;
  }

  /** Runs {@code java -jar webmon.jar <args...>}, its output to {@code log}. */
  public static JarProcess start(Path log, List<String> args) throws IOException {
    return start(log, args, Map.of());
  }

  /**
   * Runs {@code java -jar webmon.jar <command>} against Kafka, the topics and PostgreSQL (TLS off),
   * then {@code args}; the PostgreSQL password travels in the environment, not on the command line
   * (visible in ps).
   */
  public static JarProcess start(
      String command, KafkaConfig kafka, TopicsConfig topics, PostgresConfig pg, Path log, List<String> args)
      throws IOException {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(
        List.of(
            "--kafka-bootstrap-servers", kafka.bootstrapServers(),
            "--topics-prefix", topics.prefix(),
            "--postgres-url", pg.url(),
            "--postgres-user", pg.user(),
            "--postgres-sslmode", "DISABLE"));
    all.addAll(args);
    return start(log, all, Map.of("WEBMON_POSTGRES_PASSWORD", pg.password().reveal()));
  }

  private static JarProcess start(Path log, List<String> args, Map<String, String> environment) throws IOException {
    Path jar = Path.of(System.getProperty("webmon.jar", "target/webmon.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("No packaged jar at " + jar + ": run ./mvnw verify (the jar is built in package)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Duser.timezone=UTC"));
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(args);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(environment);
    return new JarProcess(pb.start(), log, args.isEmpty() ? "webmon" : args.get(0));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, like {@code kill -9}, and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(command + " process did not die after SIGKILL");
    }
  }

  /** SIGTERM and a bounded wait; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  /** What the process wrote so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing the " + command + " process", e);
      }
    }
  }
}
