package dev.webmon.cli;

import dev.webmon.ops.OpsServer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * How the long-running commands hold their started component: the operations endpoint and the
 * shutdown hook, the wait until it stops, and the exit code it leaves.
 */
final class Lifecycle {
  private Lifecycle() {}

  /** A started component the command waits on. */
  interface Stoppable {
    /** True once the component stopped, waiting at most {@code timeout}. */
    boolean awaitStopped(Duration timeout) throws InterruptedException;
  }

  /**
   * Starts the operations endpoint of a started component (closing the component when that fails)
   * and a shutdown hook, thread {@code webmon-<command>-shutdown}, that closes the component, then
   * the endpoint.
   */
  static void serve(String command, Runnable close, Supplier<Optional<OpsServer>> endpoint) {
    Optional<OpsServer> ops;
    try {
      ops = endpoint.get();
    } catch (RuntimeException e) {
      close.run();
      throw e;
    }
    Thread hook =
        new Thread(
            () -> {
              close.run();
              ops.ifPresent(OpsServer::close);
            },
            "webmon-" + command + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Returns once the component stopped: a signal closed it or it failed. */
  static void awaitStopped(Stoppable component) throws InterruptedException {
    while (!component.awaitStopped(Duration.ofSeconds(1))) {
      // runs until a signal closes it or the component fails
    }
  }

  /**
   * {@link Main#EXIT_OK} after a clean stop; after a failure, closes the component, names the
   * failure on stderr and returns {@link Main#EXIT_FAILED}.
   */
  static int exitCode(CommandLine.Model.CommandSpec spec, String command, Optional<Throwable> failure, Runnable close) {
    if (failure.isEmpty()) {
      return Main.EXIT_OK;
    }
    close.run();
    spec.commandLine().getErr().println("webmon " + command + ": stopped by an error: " + failure.get());
    return Main.EXIT_FAILED;
  }
}
