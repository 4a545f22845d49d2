package dev.webmon.cli;

import dev.webmon.ops.HealthProbe;
import dev.webmon.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/** How agent, sink and web start their operations endpoint: the same keys, the same log line. */
final class OpsEndpoint {
  private OpsEndpoint() {}

  /**
   * Serves {@code /metrics}, {@code /health} and {@code /ready} on {@code host:port}; nothing when
   * the port is -1.
   */
  static Optional<OpsServer> start(String name, String host, int port, PrometheusMeterRegistry registry, HealthProbe probe) {
    return port < 0 ? Optional.empty() : Optional.of(OpsServer.start(name, host, port, registry, probe));
  }
}
