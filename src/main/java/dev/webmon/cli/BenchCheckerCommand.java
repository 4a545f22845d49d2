package dev.webmon.cli;

import dev.webmon.bench.CheckerBench;
import dev.webmon.check.CheckConfig;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.Settings;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench checker}. */
@Command(
    name = "checker",
    mixinStandardHelpOptions = true,
    description = {
      "Measures checks per second on fresh connections and compares them, in the same run, with wrk -H 'Connection: close'",
      "on the same server (or with a bare socket client if wrk is not installed). Without --url it serves its own ~2 KB page",
      "on 127.0.0.1. A URL on a private or loopback address needs --check-allowed-networks.",
      "The last line is one JSON object: {\"bench\":\"checker\",\"checksPerSecond\":...,\"referencePerSecond\":...,\"ratio\":...}."
    })
final class BenchCheckerCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", description = "Page to check (default: a local page served by the bench).")
  URI url;

  @Option(names = "--count", paramLabel = "N", defaultValue = "20000", description = "Checks per round (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--concurrency", paramLabel = "C", defaultValue = "64", description = "Checks in flight, on virtual threads; also wrk's connections (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rounds", paramLabel = "R", defaultValue = "3", description = "Rounds of reference + checker; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--client", paramLabel = "NAME", defaultValue = "webmon", description = "Client to measure: webmon (the real check), jdk (java.net.http.HttpClient), socket (bare GET) (default: ${DEFAULT-VALUE}).")
  String client;

  @Option(names = "--pattern", paramLabel = "REGEX", description = "Regex the body must match (default: the local page's marker; none with --url).")
  String pattern;

  @Option(names = "--no-wrk", description = "Use the bare socket client as the reference even if wrk is installed.")
  boolean noWrk;

  @Option(names = "--wrk-duration", paramLabel = "SECONDS", defaultValue = "3", description = "Duration of each wrk run (default: ${DEFAULT-VALUE}).")
  int wrkSeconds;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return CheckConfig.KEYS;
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    CheckConfig config = CheckConfig.from(settings);
    if (url != null && (url.getScheme() == null || !List.of("http", "https").contains(url.getScheme().toLowerCase(Locale.ROOT)) || url.getHost() == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--url must be an absolute http or https URL, got " + url);
    }
    if (count < 1 || concurrency < 1 || concurrency > 10_000 || rounds < 1 || rounds > 100 || wrkSeconds < 1 || wrkSeconds > 600) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--count and --rounds must be at least 1, --concurrency 1-10000, --wrk-duration 1-600");
    }
    CheckerBench.ClientFactory factory;
    try {
      factory = CheckerBench.client(client);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--client: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    CheckerBench.Result r =
        CheckerBench.run(
            new CheckerBench.Options(
                Optional.ofNullable(url), count, concurrency, rounds, client, Optional.ofNullable(pattern), !noWrk, Duration.ofSeconds(wrkSeconds)),
            config,
            factory,
            out);
    // More than 1 % of checks not UP means the figures do not describe working checks.
    return r.failures() * 100 > (long) count * rounds ? Main.EXIT_FAILED : Main.EXIT_OK;
  }
}
