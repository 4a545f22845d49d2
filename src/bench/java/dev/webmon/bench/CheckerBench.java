package dev.webmon.bench;

import dev.webmon.check.AllowedNetwork;
import dev.webmon.check.CheckConfig;
import dev.webmon.check.HttpChecker;
import dev.webmon.event.TargetSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;

/**
 * {@code webmon bench checker}: N checks on fresh connections against one URL, at a given
 * concurrency on virtual threads, and in the same run a reference on the same server — {@code wrk
 * -H 'Connection: close'} if installed, else a bare socket client. Reports checks/s, CPU per check
 * and the ratio to the reference, round by round and as medians. Not thread-safe; one run at a
 * time.
 */
public final class CheckerBench {
  /**
   * @param url the page to check; empty = start a {@link BenchServer}
   * @param count checks per round
   * @param concurrency checks in flight (virtual threads), also wrk's connection count
   * @param rounds reference + checker rounds; medians are reported
   * @param client which client checks: webmon, jdk or socket
   * @param pattern regex the body must match; default: the local page's marker, none for --url
   * @param wrk use wrk as the reference when it is installed
   * @param wrkDuration how long each wrk run lasts
   */
  public record Options(
      Optional<URI> url,
      int count,
      int concurrency,
      int rounds,
      String client,
      Optional<String> pattern,
      boolean wrk,
      Duration wrkDuration) {
    public Options {
      if (count < 1 || concurrency < 1 || rounds < 1) {
        throw new IllegalArgumentException("count, concurrency and rounds must be at least 1");
      }
    }
  }

  /** The figures of a run (medians over the rounds). */
  public record Result(
      String client,
      int count,
      int concurrency,
      int rounds,
      double checksPerSecond,
      double cpuMicrosPerCheck,
      String reference,
      double referencePerSecond,
      double ratio,
      long failures) {
    /** One JSON line, for scripts comparing runs. */
    public String json() {
      return JsonLine.bench("checker")
          .put("client", client)
          .put("checksPerSecond", checksPerSecond, 0)
          .put("referencePerSecond", referencePerSecond, 0)
          .put("ratio", ratio, 3)
          .put("reference", reference)
          .put("cpuMicrosPerCheck", cpuMicrosPerCheck, 1)
          .put("count", count)
          .put("concurrency", concurrency)
          .put("rounds", rounds)
          .put("failures", failures)
          .toString();
    }
  }

  /** Makes the client to measure for a URL and pattern. */
  @FunctionalInterface
  public interface ClientFactory {
    BenchClient create(URI url, Optional<String> pattern, CheckConfig config);
  }

  private CheckerBench() {}

  /** The clients built in: {@code webmon}, {@code jdk}, {@code socket}. */
  public static ClientFactory client(String name) {
    return switch (name) {
      case "webmon" ->
          (url, pattern, config) -> {
            TargetSpec.Builder t = TargetSpec.builder("bench", url).timeout(Duration.ofSeconds(10));
            pattern.ifPresent(t::mustMatch);
            return new WebmonClient(new HttpChecker(config, "bench", "bench-" + ProcessHandle.current().pid()), t.build());
          };
      case "jdk" ->
          (url, pattern, config) -> {
            // Without it the JDK client refuses "Connection: close" and would pool connections.
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
            return new JdkHttpClient(url, pattern);
          };
      case "socket" -> (url, pattern, config) -> new RawSocketClient(url);
      default -> throw new IllegalArgumentException("unknown client '" + name + "': expected webmon, jdk or socket");
    };
  }

  /** Runs the bench, printing progress and the result; the JSON line is printed last. */
  public static Result run(Options o, CheckConfig config, ClientFactory factory, PrintWriter out) throws IOException, InterruptedException {
    BenchServer server = o.url().isEmpty() ? BenchServer.start(4) : null;
    try {
      URI url = o.url().isPresent() ? o.url().get() : server.url();
      Optional<String> pattern = o.pattern().isPresent() ? o.pattern() : server != null ? Optional.of(BenchServer.MARKER) : Optional.empty();
      CheckConfig cfg = server != null ? allowLoopback(config) : config;
      Optional<String> wrk = o.wrk() ? findOnPath("wrk") : Optional.empty();
      String referenceName = wrk.isPresent() ? "wrk -H 'Connection: close'" : "raw socket GET";
      out.printf(
          Locale.ROOT,
          "checker bench: %s, %d checks x %d rounds, concurrency %d, client %s, pattern %s, reference %s%n",
          url,
          o.count(),
          o.rounds(),
          o.concurrency(),
          o.client(),
          pattern.map(p -> "'" + p + "'").orElse("none"),
          referenceName);
      out.flush();
      try (BenchClient client = factory.create(url, pattern, cfg);
          BenchClient socket = new RawSocketClient(url)) {
        // Warm up: JIT-compile the check path (and the reference client, if used) first.
        Measured warm = measure(client, Math.min(o.count(), 10_000), o.concurrency(), server);
        if (warm.failures > 0) {
          reportFailure(client, warm, out);
        }
        if (wrk.isEmpty()) {
          measure(socket, Math.min(o.count(), 5_000), o.concurrency(), server);
        }
        List<Double> rates = new ArrayList<>();
        List<Double> refs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> cpus = new ArrayList<>();
        long failures = 0;
        for (int round = 1; round <= o.rounds(); round++) {
          double ref =
              wrk.isPresent()
                  ? runWrk(wrk.get(), url, o.concurrency(), o.wrkDuration())
                  : measure(socket, o.count(), o.concurrency(), server).perSecond();
          Measured m = measure(client, o.count(), o.concurrency(), server);
          failures += m.failures;
          if (m.failures > 0) {
            reportFailure(client, m, out);
          }
          rates.add(m.perSecond());
          refs.add(ref);
          ratios.add(ref > 0 ? m.perSecond() / ref : 0);
          cpus.add(m.cpuMicrosPerCheck());
          out.printf(
              Locale.ROOT,
              "round %d: reference %.0f req/s; %s %.0f checks/s, CPU %.1f µs/check; ratio %.3f%n",
              round,
              ref,
              client.name(),
              m.perSecond(),
              m.cpuMicrosPerCheck(),
              ref > 0 ? m.perSecond() / ref : 0);
          out.flush();
        }
        Result r =
            new Result(
                client.name(),
                o.count(),
                o.concurrency(),
                o.rounds(),
                median(rates),
                median(cpus),
                wrk.isPresent() ? "wrk" : "raw-socket",
                median(refs),
                median(ratios),
                failures);
        out.printf(
            Locale.ROOT,
            "median: %s %.0f checks/s, CPU %.1f µs/check (%s); reference %s %.0f req/s; ratio %.3f%s%n",
            r.client(),
            r.checksPerSecond(),
            r.cpuMicrosPerCheck(),
            server != null ? "JVM minus the page server's threads" : "whole JVM",
            referenceName,
            r.referencePerSecond(),
            r.ratio(),
            failures > 0 ? "; " + failures + " checks were not UP" : "");
        out.println(r.json());
        out.flush();
        return r;
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static void reportFailure(BenchClient client, Measured m, PrintWriter out) {
    String detail =
        client instanceof WebmonClient w && w.lastDown.get() != null
            ? ": last one " + w.lastDown.get().reason().map(Enum::name).orElse("") + " " + w.lastDown.get().detail().orElse("")
            : "";
    out.println("warning: " + m.failures + " of " + m.count + " checks were not UP" + detail);
  }

  private static CheckConfig allowLoopback(CheckConfig c) {
    List<AllowedNetwork> nets = new ArrayList<>(c.allowedNetworks());
    nets.add(AllowedNetwork.parse("127.0.0.0/8"));
    return new CheckConfig(nets, c.connectTimeout(), c.maxBodyBytes(), c.userAgent(), c.maxRedirectsCap(), c.dnsMaxInFlight());
  }

  record Measured(int count, long nanos, long cpuNanos, long failures) {
    double perSecond() {
      return count * 1e9 / nanos;
    }

    double cpuMicrosPerCheck() {
      return cpuNanos < 0 ? -1 : cpuNanos / 1000.0 / count;
    }
  }

  /** Runs {@code count} checks with {@code concurrency} virtual threads. */
  static Measured measure(BenchClient client, int count, int concurrency, BenchServer server) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicLong failures = new AtomicLong();
    long cpu0 = processCpuNanos();
    long server0 = server == null ? 0 : server.cpuNanos();
    long t0 = System.nanoTime();
    ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor();
    for (int i = 0; i < concurrency; i++) {
      exec.submit(
          () -> {
            while (next.getAndIncrement() < count) {
              if (!client.check()) {
                failures.incrementAndGet();
              }
            }
          });
    }
    exec.shutdown();
    // Every check has a 10 s timeout, so this bound is never reached by a working run.
    if (!exec.awaitTermination(Math.max(60, count / Math.max(1, concurrency) * 10L), TimeUnit.SECONDS)) {
      exec.shutdownNow();
      throw new IllegalStateException("bench checks did not finish in time");
    }
    long nanos = System.nanoTime() - t0;
    long cpu = processCpuNanos();
    long serverCpu = server == null ? 0 : server.cpuNanos() - server0;
    long checkerCpu = cpu0 < 0 || cpu < 0 || serverCpu < 0 ? -1 : (cpu - cpu0) - serverCpu;
    return new Measured(count, nanos, checkerCpu, failures.get());
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Runs wrk with Connection: close and returns its Requests/sec. */
  static double runWrk(String wrk, URI url, int connections, Duration duration) throws IOException, InterruptedException {
    long secs = Math.max(1, duration.toSeconds());
    Process p =
        new ProcessBuilder(
                wrk, "-t2", "-c" + Math.max(2, connections), "-d" + secs + "s", "--timeout", "10s", "-H", "Connection: close", url.toString())
            .redirectErrorStream(true)
            .start();
    String output;
    try (InputStream in = p.getInputStream()) {
      if (!p.waitFor(secs + 30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("wrk did not finish within " + (secs + 30) + " s");
      }
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return parseWrk(output);
  }

  static double parseWrk(String output) throws IOException {
    Matcher m = java.util.regex.Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
    if (!m.find()) {
      throw new IOException("cannot read wrk's output: " + output.strip());
    }
    return Double.parseDouble(m.group(1));
  }

  static Optional<String> findOnPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator))
        .map(dir -> new File(dir, program))
        .filter(f -> f.isFile() && f.canExecute())
        .map(File::getPath)
        .findFirst();
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
