package dev.webmon.cli;

import dev.webmon.bench.WebBench;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench web}. */
@Command(
    name = "web",
    mixinStandardHelpOptions = true,
    description = {
      "Loads targets, raw results (generate_series) and 30 days of hourly rollups into PostgreSQL (embedded unless --postgres-url is",
      "given), starts the web app on 127.0.0.1 and measures with concurrent virtual-thread clients the 30-day chart of a random",
      "target, the first page of the targets list and a status page of 50 components over 90 days. Goals: chart p95 < 50 ms,",
      "first page p95 < 200 ms, status page p95 < 50 ms. Read-only: no Kafka.",
      "Loading 10 M rows takes minutes: --data-dir keeps the database and a rerun with the same sizes skips the load.",
      "The last line is one JSON object: {\"bench\":\"web\",...}."
    })
final class BenchWebCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "10000", description = "Targets (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(names = "--results", paramLabel = "M", defaultValue = "10000000", description = "Raw result rows in total (default: ${DEFAULT-VALUE}).")
  long results;

  @Option(names = "--days", paramLabel = "D", defaultValue = "7", description = "Days back the raw results reach (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--rollup-days", paramLabel = "D", defaultValue = "30", description = "Days of hourly rollups per target and location (default: ${DEFAULT-VALUE}).")
  int rollupDays;

  @Option(names = "--locations", paramLabel = "L", defaultValue = "1", description = "Locations per target (default: ${DEFAULT-VALUE}).")
  int locations;

  @Option(names = "--requests", paramLabel = "R", defaultValue = "2000", description = "Measured requests per scenario (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--warmup", paramLabel = "W", defaultValue = "300", description = "Unmeasured requests per scenario first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--concurrency", paramLabel = "C", defaultValue = "4", description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the embedded PostgreSQL here and reuse its data when the sizes match (default: a temporary directory).")
  Path dataDir;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return PostgresConfig.KEYS;
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    Optional<PostgresConfig> external =
        settings.isSet(PostgresConfig.URL) ? Optional.of(PostgresConfig.from(settings)) : Optional.empty();
    WebBench.Options options;
    try {
      options =
          new WebBench.Options(
              targets, results, days, rollupDays, locations, requests, warmup, concurrency, external, Optional.ofNullable(dataDir));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    WebBench.Result r = WebBench.run(options, out);
    out.println(r.json());
    out.flush();
    return Main.EXIT_OK;
  }
}
