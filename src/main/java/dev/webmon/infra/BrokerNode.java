package dev.webmon.infra;

import dev.webmon.Closeables;
import dev.webmon.WebmonException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One node: its ports, directory and (while running) process. */
final class BrokerNode {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerNode.class);

  private final int id;
  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final int sslPort;
  private final int saslPort;
  private Process process;

  BrokerNode(int id, Path dir, int port, int controllerPort, int sslPort, int saslPort) {
    this.id = id;
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.sslPort = sslPort;
    this.saslPort = saslPort;
  }

  int id() {
    return id;
  }

  Path dir() {
    return dir;
  }

  int port() {
    return port;
  }

  int controllerPort() {
    return controllerPort;
  }

  int sslPort() {
    return sslPort;
  }

  int saslPort() {
    return saslPort;
  }

  Path serverProperties() {
    return dir.resolve("server.properties");
  }

  Path logFile() {
    return dir.resolve("broker.log");
  }

  Optional<Process> process() {
    return Optional.ofNullable(process);
  }

  void start(List<String> command) {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    // stdin stays a pipe that we never write to: BrokerMain exits when it closes.
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new WebmonException("Cannot start Kafka node " + id + ": " + e.getMessage(), e);
    }
    LOG.debug("Started Kafka node {} as pid {}", id, process.pid());
  }

  void stopped() {
    if (process != null) {
      Closeables.closeQuietly(process.getOutputStream());
      Closeables.closeQuietly(process.getInputStream());
    }
    process = null;
  }
}
