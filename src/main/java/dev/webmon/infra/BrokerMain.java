package dev.webmon.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the child JVM that {@link EmbeddedKafka} starts for each broker node.
 *
 * <p>Arguments: {@code <server.properties> <cluster-id>}. Formats the node's log directory when it
 * is not formatted yet (in this JVM, saving a second JVM start), then runs {@code kafka.Kafka}.
 *
 * <p>The parent keeps this process's standard input open and never writes to it. When the parent
 * dies — even by {@code kill -9} — the pipe closes, we read EOF and shut the broker down (bounded:
 * the JVM halts if a clean shutdown takes too long), so no stray broker outlives its parent.
 */
final class BrokerMain {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerMain.class);
  /** Exit status when the parent disappeared. */
  static final int EXIT_PARENT_GONE = 3;
  private static final long CLEAN_SHUTDOWN_SECONDS = 15;

  private BrokerMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: BrokerMain <server.properties> <cluster-id>");
    }
    watchParent(System.in);
    Path props = Path.of(args[0]);
    Path logDir = Path.of(property(props, "log.dirs"));
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(props, args[1]);
    }
    kafka.Kafka.main(new String[] {props.toString()});
  }

  static void watchParent(InputStream stdin) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (stdin.read() != -1) {
                  // the parent never writes; ignore anything that arrives
                }
              } catch (IOException e) {
                // a broken pipe means the parent is gone, same as EOF
              }
              LOG.info("Standard input closed (parent stopping us, or gone): shutting the broker down");
              Thread halter =
                  new Thread(
                      () -> {
                        try {
                          TimeUnit.SECONDS.sleep(CLEAN_SHUTDOWN_SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
                      },
                      "broker-halter");
              halter.setDaemon(true);
              halter.start();
              // System.exit runs kafka.Kafka's shutdown hook: a clean broker shutdown.
              System.exit(EXIT_PARENT_GONE);
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
  }

  private static void format(Path props, String clusterId) {
    LOG.info("Formatting {} for cluster {}", props, clusterId);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int rc =
        kafka.tools.StorageTool.execute(
            new String[] {"format", "-t", clusterId, "-c", props.toString(), "--ignore-formatted"}, out);
    if (rc != 0) {
      throw new IllegalStateException("kafka storage format failed with exit code " + rc);
    }
  }

  private static String property(Path props, String key) throws IOException {
    java.util.Properties p = new java.util.Properties();
    try (var in = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException(props + " has no " + key);
    }
    return v;
  }
}
