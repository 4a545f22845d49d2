package dev.webmon.cli;

import dev.webmon.WebmonException;
import dev.webmon.bench.SinkBench;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.sink.SinkConfig;
import dev.webmon.store.Database;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench sink}. */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the sink against a raw pgjdbc COPY of the same rows (rows/s of both and the ratio), and its end-to-end",
      "latency (producer timestamp to commit) at a steady rate. Starts an embedded broker and PostgreSQL unless",
      "--kafka-bootstrap-servers / --postgres-url (or their WEBMON_ variables) point at external ones; an external",
      "PostgreSQL gets a throw-away schema webmon_bench_<random>, dropped at the end. sink.* keys tune the sink",
      "(storage maintenance is off unless --sink-maintenance true).",
      "The last line is one JSON object: {\"bench\":\"sink\",\"sinkRowsPerSecond\":...,\"copyRowsPerSecond\":...,\"ratio\":...,\"latencyP99Ms\":...}."
    })
final class BenchSinkCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--results", paramLabel = "M", defaultValue = "1000000", description = "Results for the throughput phases (default: ${DEFAULT-VALUE}).")
  int results;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "100000", description = "Results for an untimed warm-up of the sink and the raw COPY (JIT), on other topics; 0 skips it (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "2000", description = "Distinct targets (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(names = "--locations", paramLabel = "N", defaultValue = "3", description = "Locations per target (default: ${DEFAULT-VALUE}).")
  int locations;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "12", description = "Partitions of the bench topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--latency-rate", paramLabel = "PER_SECOND", defaultValue = "2000", description = "Results per second in the latency phase; 0 skips it (default: ${DEFAULT-VALUE}).")
  int latencyRate;

  @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "30", description = "Duration of the latency phase (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--text-copy", description = "COPY in text format instead of binary (sink and reference).")
  boolean textCopy;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(KafkaConfig.KEYS, PostgresConfig.KEYS, SinkConfig.KEYS);
  }

  @Override
  public Integer call() throws Exception {
    SinkBench.Options options;
    try {
      options =
          new SinkBench.Options(
              results, warmup, targets, locations, partitions, latencyRate, Duration.ofSeconds(latencySeconds), textCopy);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Settings settings =
        ConfigOptions.settings(spec, configKeys())
            .withDefaults(Map.of(SinkConfig.MAINTENANCE.name(), "false", SinkConfig.GROUP_ID.name(), "webmon-bench-" + UUID.randomUUID().toString().substring(0, 8)));
    SinkConfig sinkConfig = SinkConfig.from(settings);
    boolean externalKafka = settings.isSet(KafkaConfig.BOOTSTRAP_SERVERS);
    boolean externalPostgres = settings.isSet(PostgresConfig.URL);
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedKafka broker = null;
    EmbeddedPostgres pg = null;
    try {
      KafkaConfig kafka;
      if (externalKafka) {
        kafka = KafkaConfig.from(settings);
      } else {
        out.println("starting an embedded Kafka broker ...");
        out.flush();
        broker = EmbeddedKafka.builder().start();
        kafka = broker.kafkaConfig();
      }
      String label = (externalKafka ? "external" : "embedded") + "-kafka/" + (externalPostgres ? "external" : "embedded") + "-postgres";
      if (externalPostgres) {
        PostgresConfig base = PostgresConfig.from(settings);
        String schema = "webmon_bench_" + UUID.randomUUID().toString().substring(0, 8);
        execute(base, "CREATE SCHEMA " + schema);
        try {
          PostgresConfig inSchema =
              new PostgresConfig(
                  base.url() + (base.url().contains("?") ? "&" : "?") + "currentSchema=" + schema,
                  base.user(), base.password(), base.sslMode(), base.sslRootCert(), base.poolSize(), base.connectTimeout());
          SinkBench.run(options, kafka, inSchema, sinkConfig, label, out);
        } finally {
          execute(base, "DROP SCHEMA " + schema + " CASCADE");
        }
      } else {
        out.println("starting an embedded PostgreSQL ...");
        out.flush();
        pg = EmbeddedPostgres.builder().start();
        PostgresConfig bench = pg.createDatabase("bench");
        try (Connection c = pg.superuserConnection();
            Statement s = c.createStatement()) {
          s.execute("GRANT pg_checkpoint TO " + EmbeddedPostgres.USER); // a CHECKPOINT before each timed phase
        }
        SinkBench.run(options, kafka, bench, sinkConfig, label, out);
      }
      return Main.EXIT_OK;
    } finally {
      if (pg != null) {
        pg.close();
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static void execute(PostgresConfig config, String sql) {
    try (HikariDataSource ds = Database.pool(config, "bench-admin");
        Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new WebmonException("PostgreSQL refused '" + sql + "': " + e.getMessage(), e);
    }
  }
}
