package dev.webmon.alerter;

import dev.webmon.ops.OpsEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A {@code webmon <command>} child process from the packaged jar (system property webmon.jar). */
final class JarProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private JarProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static JarProcess start(Path log, List<String> args) throws IOException {
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
    return new JarProcess(pb.start(), log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, like {@code kill -9}, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process did not die after SIGKILL");
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

  /** The operations endpoint's base URL, once the process logged it. */
  Optional<String> opsUrl() {
    return OpsEndpoints.loggedUrl(log());
  }

  String log() {
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
        throw new IllegalStateException("interrupted while killing a child process", e);
      }
    }
  }
}
