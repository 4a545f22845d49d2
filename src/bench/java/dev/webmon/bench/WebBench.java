package dev.webmon.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.WebmonException;
import dev.webmon.check.AddressPolicy;
import dev.webmon.config.PostgresConfig;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.store.Database;
import dev.webmon.web.PolicyPublisher;
import dev.webmon.web.TargetPublisher;
import dev.webmon.web.WebApp;
import dev.webmon.web.WebConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code webmon bench web}: loads N targets, M raw result rows and 30 days of hourly rollups into
 * PostgreSQL (generate_series), starts the web app on loopback and measures, with a load generator
 * of virtual threads on the JDK HttpClient, the latency of the 30-day chart of a target (random
 * target per request), of the first page of the targets list (JSON and HTML) and of a public status
 * page of 50 components over 90 days ({@code /status/bench}; its first, uncomputed request is
 * reported apart). Goals: chart p95 &lt; 50 ms, first page p95 &lt; 200 ms, status page p95 &lt; 50 ms. Read-only: no Kafka is needed (writes are refused). Not
 * thread-safe; one run at a time.
 */
public final class WebBench {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Goal for the 30-day chart, p95. */
  public static final double CHART_GOAL_P95_MS = 50;

  /** Goal for a status page of 50 components over 90 days, p95. */
  public static final double STATUS_PAGE_GOAL_P95_MS = 50;

  /** Components of the bench's status page. */
  static final int STATUS_COMPONENTS = 50;

  /** Goal for the first page of the targets list, p95. */
  public static final double LIST_GOAL_P95_MS = 200;

  /** The UI's one user (docs/architecture.md, Security); the bench logs in as a browser does. */
  private static final String ADMIN_USER = "admin";

  private static final String TOKEN = "bench-" + randomToken();
  private static final String PASSWORD = randomToken();

  /**
   * @param targets how many targets
   * @param results how many raw result rows in total, spread evenly over targets, locations and days
   * @param days how many days back the raw rows reach
   * @param rollupDays how many days of hourly rollups every target gets
   * @param locations locations per target
   * @param requests measured requests per scenario
   * @param warmup unmeasured requests per scenario first
   * @param concurrency requests in flight (virtual threads)
   * @param postgres an external database to use (must be empty or hold this bench's data); empty = embedded
   * @param dataDir where the embedded PostgreSQL keeps its data; reused when it holds the same data set
   */
  public record Options(
      int targets,
      long results,
      int days,
      int rollupDays,
      int locations,
      int requests,
      int warmup,
      int concurrency,
      Optional<PostgresConfig> postgres,
      Optional<Path> dataDir) {
    public Options {
      if (targets < 1 || results < 0 || days < 1 || rollupDays < 0 || locations < 1 || locations > 20 || requests < 1
          || warmup < 0 || concurrency < 1 || concurrency > 1000) {
        throw new IllegalArgumentException(
            "targets >= 1, results >= 0, days >= 1, rollup days >= 0, locations 1-20, requests >= 1, warmup >= 0, concurrency 1-1000");
      }
    }
  }

  /** Latency figures of one scenario. */
  public record Figures(int requests, double p50Ms, double p95Ms, double p99Ms, double maxMs, double requestsPerSecond) {}

  /** What a run measured. */
  public record Result(
      String loadAverage,
      int targets,
      long resultRows,
      long rollupRows,
      double loadSeconds,
      boolean reusedData,
      int concurrency,
      Figures chart30d,
      Figures listFirstPage,
      Figures listHtml,
      double statusPageFirstMs,
      Figures statusPage,
      Figures statusPageComputed) {
    public boolean goalsMet() {
      return chart30d.p95Ms() < CHART_GOAL_P95_MS && listFirstPage.p95Ms() < LIST_GOAL_P95_MS
          && statusPage.p95Ms() < STATUS_PAGE_GOAL_P95_MS;
    }

    /** The one-line JSON summary. */
    public String json() {
      return JsonLine.bench("web")
          .put("loadAverage", loadAverage)
          .put("targets", targets)
          .put("resultRows", resultRows)
          .put("rollupRows", rollupRows)
          .put("loadSeconds", loadSeconds, 1)
          .put("reusedData", reusedData)
          .put("concurrency", concurrency)
          .put("chart30d", json(chart30d))
          .put("listFirstPage", json(listFirstPage))
          .put("listHtml", json(listHtml))
          .put("statusPageFirstMs", statusPageFirstMs, 2)
          .put("statusPage", json(statusPage))
          .put("statusPageComputed", json(statusPageComputed))
          .put("goalStatusPageP95Ms", STATUS_PAGE_GOAL_P95_MS, 0)
          .put("goalChartP95Ms", CHART_GOAL_P95_MS, 0)
          .put("goalListP95Ms", LIST_GOAL_P95_MS, 0)
          .put("goalsMet", goalsMet())
          .toString();
    }

    private static JsonLine json(Figures f) {
      return JsonLine.object()
          .put("requests", f.requests())
          .put("p50Ms", f.p50Ms(), 2)
          .put("p95Ms", f.p95Ms(), 2)
          .put("p99Ms", f.p99Ms(), 2)
          .put("maxMs", f.maxMs(), 2)
          .put("rps", f.requestsPerSecond(), 1);
    }
  }

  private WebBench() {}

  public static Result run(Options o, PrintWriter out) throws Exception {
    EmbeddedPostgres embedded = null;
    try {
      PostgresConfig pg;
      if (o.postgres().isPresent()) {
        pg = o.postgres().get();
        say(out, "using PostgreSQL at " + pg.url());
      } else {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder();
        o.dataDir().ifPresent(b::dataDir);
        say(out, "starting embedded PostgreSQL" + o.dataDir().map(d -> " in " + d).orElse(""));
        embedded = b.start();
        pg = embedded.postgresConfig();
      }
      PostgresConfig pooled =
          pg.withPoolSize(Math.max(pg.poolSize(), Math.min(32, o.concurrency() * 2)));
      try (HikariDataSource db = Database.pool(pooled, "bench-web")) {
        new SchemaMigrator(db).migrate();
        long start = System.nanoTime();
        boolean reused = WebBenchData.sameDataSet(db, o);
        if (reused) {
          say(out, "the database already holds this data set: loading skipped");
        } else {
          WebBenchData.load(db, o, out);
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        long resultRows = WebBenchData.count(db, "SELECT count(*) FROM check_result");
        long rollupRows = WebBenchData.count(db, "SELECT count(*) FROM check_rollup_hourly");
        List<String> ids = WebBenchData.ids(db);
        WebBenchData.statusPage(db, ids, STATUS_COMPONENTS);
        WebConfig config = WebConfig.forTests(PASSWORD, TOKEN, false);
        ReadOnlyPublisher readOnly = new ReadOnlyPublisher();
        SteppingClock clock = new SteppingClock();
        try (WebApp app = WebApp.create(config, db, readOnly, readOnly, AddressPolicy.allowingAll(), clock).start()) {
          String base = "http://127.0.0.1:" + app.port();
          String loadBefore = loadAverage();
          say(out, "web app on " + base + "; " + o.concurrency() + " concurrent clients, " + o.warmup() + " warm-up + "
              + o.requests() + " measured requests per scenario");
          HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
          Figures chart =
              measure("30-day chart (random target)", o, out, () -> get(http, base + "/api/v1/targets/"
                  + ids.get(ThreadLocalRandom.current().nextInt(ids.size())) + "/series?window=30d", TOKEN));
          Figures list = measure("targets list, first page (JSON)", o, out, () -> get(http, base + "/api/v1/targets?page=1&size=50", TOKEN));
          HttpClient browser = login(base);
          Figures html = measure("targets list, first page (HTML)", o, out, () -> get(browser, base + "/targets", null));
          long first = System.nanoTime();
          int firstStatus = get(http, base + "/status/bench", null);
          double statusFirstMs = (System.nanoTime() - first) / 1e6;
          if (firstStatus != 200) {
            throw new IllegalStateException("status page: HTTP " + firstStatus);
          }
          say(out, String.format(Locale.ROOT, "status page, first request (computed, not cached): %.2f ms", statusFirstMs));
          Figures status = measure("status page, 50 components (HTML)", o, out, () -> get(http, base + "/status/bench", null));
          // The same page with its model recomputed for every request: the clock jumps past the
          // page cache's 15 s before each one (no other scenario runs after this one).
          Figures computed = measure("status page, computed every request", o, out, () -> {
            clock.step(Duration.ofSeconds(16));
            return get(http, base + "/status/bench", null);
          });
          String load = loadBefore + " -> " + loadAverage();
          say(out, "machine load average (1 min) before -> after the measurements: " + load);
          Result r = new Result(load, ids.size(), resultRows, rollupRows, loadSeconds, reused, o.concurrency(), chart, list, html, statusFirstMs, status, computed);
          say(out, String.format(Locale.ROOT, "goals: chart p95 %.1f ms (< %.0f), first page p95 %.1f ms (< %.0f), status page p95 %.1f ms (< %.0f; computed every request: %.1f ms): %s",
              chart.p95Ms(), CHART_GOAL_P95_MS, list.p95Ms(), LIST_GOAL_P95_MS, status.p95Ms(), STATUS_PAGE_GOAL_P95_MS,
              computed.p95Ms(),
              r.goalsMet() ? "met" : "NOT met"));
          return r;
        }
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** The system clock plus an offset the bench moves forward. Thread-safe. */
  static final class SteppingClock extends Clock {
    private final Clock system = Clock.systemUTC();
    private final AtomicLong offsetNanos = new AtomicLong();

    void step(Duration d) {
      offsetNanos.addAndGet(d.toNanos());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the bench clock is UTC");
    }

    @Override
    public Instant instant() {
      return system.instant().plusNanos(offsetNanos.get());
    }
  }

  // ---------------------------------------------------------------- load generator

  private static Figures measure(String name, Options o, PrintWriter out, Supplier<Integer> request) throws InterruptedException {
    run(o.warmup(), o.concurrency(), request, new LatencyHistogram(TimeUnit.NANOSECONDS));
    LatencyHistogram latency = new LatencyHistogram(TimeUnit.NANOSECONDS);
    long start = System.nanoTime();
    int errors = run(o.requests(), o.concurrency(), request, latency);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (errors > 0) {
      throw new IllegalStateException(name + ": " + errors + " requests failed");
    }
    Figures f =
        new Figures(
            o.requests(), latency.percentileMs(50), latency.percentileMs(95), latency.percentileMs(99), latency.maxMs(),
            o.requests() / seconds);
    say(out, String.format(Locale.ROOT, "%-34s p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms  %7.1f req/s",
        name, f.p50Ms(), f.p95Ms(), f.p99Ms(), f.maxMs(), f.requestsPerSecond()));
    return f;
  }

  /** Runs {@code count} requests, {@code concurrency} at a time, into {@code latency}; returns how many failed. */
  private static int run(int count, int concurrency, Supplier<Integer> request, LatencyHistogram latency) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < concurrency; w++) {
        pool.submit(
            () -> {
              while (next.getAndIncrement() < count) {
                long t = System.nanoTime();
                int status;
                try {
                  status = request.get();
                } catch (RuntimeException e) {
                  status = -1;
                }
                latency.record(System.nanoTime() - t);
                if (status != 200) {
                  errors.incrementAndGet();
                }
              }
            });
      }
    }
    return errors.get();
  }

  private static int get(HttpClient http, String url, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** A client logged in through the login form, as a browser is. */
  private static HttpClient login(String base) throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    String form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("name=\"_login\" value=\"([^\"]+)\"").matcher(form);
    if (!m.find()) {
      throw new IllegalStateException("no login form at " + base + "/login");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("_login", m.group(1));
    fields.put("user", ADMIN_USER);
    fields.put("password", PASSWORD);
    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 303) {
      throw new IllegalStateException("bench login failed: HTTP " + r.statusCode());
    }
    return http;
  }

  /** The 1-minute load average (Linux), to record how busy the machine was; "?" elsewhere. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static double secondsSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }

  static void say(PrintWriter out, String line) {
    out.println("bench web: " + line);
    out.flush();
  }

  /** The bench only reads: any write is refused. */
  private static final class ReadOnlyPublisher implements TargetPublisher, PolicyPublisher {
    @Override
    public void publish(TargetSpec spec) {
      throw new WebmonException("the web bench is read-only");
    }

    @Override
    public void publish(AlertPolicySpec spec) {
      throw new WebmonException("the web bench is read-only");
    }

    @Override
    public void delete(String id) {
      throw new WebmonException("the web bench is read-only");
    }

    @Override
    public void close() {}
  }
}
