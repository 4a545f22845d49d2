package dev.webmon.bench;

import dev.webmon.check.CheckConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Compares HTTP clients doing a check's work against one server, each with its own wrk reference
 * in the same run (docs/benchmarks.md, "Checker"). Not a test: run by hand, see the docs for the
 * command. Arguments: [url] [count] [concurrency] [rounds].
 */
public final class ClientComparison {
  private ClientComparison() {}

  public static void main(String[] args) throws Exception {
    Optional<URI> url = args.length > 0 && !args[0].equals("-") ? Optional.of(URI.create(args[0])) : Optional.empty();
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 15_000;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    CheckConfig config = CheckConfig.defaults("127.0.0.0/8");
    Optional<String> pattern = Optional.of(BenchServer.MARKER);
    List<CheckerBench.Result> results = new ArrayList<>();
    for (String name : List.of("webmon", "okhttp", "jdk", "socket")) {
      CheckerBench.ClientFactory factory =
          name.equals("okhttp") ? (u, p, c) -> new OkHttpBenchClient(u, p) : CheckerBench.client(name);
      results.add(
          CheckerBench.run(
              new CheckerBench.Options(url, count, concurrency, rounds, name, pattern, true, Duration.ofSeconds(3)), config, factory, out));
    }
    out.println();
    out.println("| client | checks/s | CPU µs/check | wrk req/s (same run) | ratio |");
    out.println("|---|---|---|---|---|");
    for (CheckerBench.Result r : results) {
      out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %.0f | %.2f |%n",
          r.client(),
          r.checksPerSecond(),
          r.cpuMicrosPerCheck(),
          r.referencePerSecond(),
          r.ratio());
    }
  }
}
