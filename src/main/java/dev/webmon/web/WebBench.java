package dev.webmon.web;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.PostgresConfig;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.store.Database;
import dev.webmon.store.Targets;
import dev.webmon.store.UnavailableException;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code webmon bench web}: loads N targets, M raw result rows and 30 days of hourly rollups into
 * PostgreSQL (generate_series), starts the web app on loopback and measures, with a load generator
 * of virtual threads on the JDK HttpClient, the latency of the 30-day chart of a target (random
 * target per request) and of the first page of the targets list (JSON and HTML). Goals: chart p95
 * &lt; 50 ms, first page p95 &lt; 200 ms. Read-only: no Kafka is needed (writes are refused). Not
 * thread-safe; one run at a time.
 */
public final class WebBench {
  /** Goal for the 30-day chart, p95. */
  public static final double CHART_GOAL_P95_MS = 50;

  /** Goal for the first page of the targets list, p95. */
  public static final double LIST_GOAL_P95_MS = 200;

  private static final String LOCATION_PREFIX = "loc";
  private static final String TOKEN = "bench-" + Sessions.randomToken();
  private static final String PASSWORD = Sessions.randomToken();

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
      Figures listHtml) {
    public boolean goalsMet() {
      return chart30d.p95Ms() < CHART_GOAL_P95_MS && listFirstPage.p95Ms() < LIST_GOAL_P95_MS;
    }

    /** The one-line JSON summary. */
    public String json() {
      return String.format(
          Locale.ROOT,
          "{\"bench\":\"web\",\"loadAverage\":\"%s\",\"targets\":%d,\"resultRows\":%d,\"rollupRows\":%d,\"loadSeconds\":%.1f,\"reusedData\":%b,"
              + "\"concurrency\":%d,\"chart30d\":%s,\"listFirstPage\":%s,\"listHtml\":%s,"
              + "\"goalChartP95Ms\":%.0f,\"goalListP95Ms\":%.0f,\"goalsMet\":%b}",
          loadAverage, targets, resultRows, rollupRows, loadSeconds, reusedData, concurrency, json(chart30d), json(listFirstPage),
          json(listHtml), CHART_GOAL_P95_MS, LIST_GOAL_P95_MS, goalsMet());
    }

    private static String json(Figures f) {
      return String.format(
          Locale.ROOT,
          "{\"requests\":%d,\"p50Ms\":%.2f,\"p95Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f,\"rps\":%.1f}",
          f.requests(), f.p50Ms(), f.p95Ms(), f.p99Ms(), f.maxMs(), f.requestsPerSecond());
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
          new PostgresConfig(pg.url(), pg.user(), pg.password(), pg.sslMode(), pg.sslRootCert(), Math.max(pg.poolSize(), Math.min(32, o.concurrency() * 2)), pg.connectTimeout());
      try (HikariDataSource db = Database.pool(pooled, "bench-web")) {
        new SchemaMigrator(db).migrate();
        long start = System.nanoTime();
        boolean reused = sameDataSet(db, o);
        if (reused) {
          say(out, "the database already holds this data set: loading skipped");
        } else {
          load(db, o, out);
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        long resultRows = count(db, "SELECT count(*) FROM check_result");
        long rollupRows = count(db, "SELECT count(*) FROM check_rollup_hourly");
        List<String> ids = ids(db);
        WebConfig config = WebConfig.forTests(PASSWORD, TOKEN, false);
        try (WebApp app = WebApp.create(config, db, new ReadOnlyPublisher(), AddressCheck.allowAll(), Clock.systemUTC()).start()) {
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
          String load = loadBefore + " -> " + loadAverage();
          say(out, "machine load average (1 min) before -> after the measurements: " + load);
          Result r = new Result(load, ids.size(), resultRows, rollupRows, loadSeconds, reused, o.concurrency(), chart, list, html);
          say(out, String.format(Locale.ROOT, "goals: chart p95 %.1f ms (< %.0f), first page p95 %.1f ms (< %.0f): %s",
              chart.p95Ms(), CHART_GOAL_P95_MS, list.p95Ms(), LIST_GOAL_P95_MS, r.goalsMet() ? "met" : "NOT met"));
          return r;
        }
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  // ---------------------------------------------------------------- data

  private static boolean sameDataSet(HikariDataSource db, Options o) throws SQLException {
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS bench_web_dataset (targets integer, results bigint, days integer, rollup_days integer, locations integer)");
      try (ResultSet rs = st.executeQuery("SELECT targets, results, days, rollup_days, locations FROM bench_web_dataset")) {
        return rs.next() && rs.getInt(1) == o.targets() && rs.getLong(2) == o.results() && rs.getInt(3) == o.days()
            && rs.getInt(4) == o.rollupDays() && rs.getInt(5) == o.locations();
      }
    }
  }

  private static void load(HikariDataSource db, Options o, PrintWriter out) throws SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute("TRUNCATE target, check_result, target_status, check_rollup_hourly, bench_web_dataset");
      try (PreparedStatement ps = c.prepareStatement("SELECT webmon_ensure_partitions(?, 2)")) {
        ps.setInt(1, o.days() + 1);
        ps.executeQuery().close();
      }
    }
    long t0 = System.nanoTime();
    insertTargets(db, o.targets(), now);
    say(out, String.format(Locale.ROOT, "loaded %d targets in %.1f s", o.targets(), secondsSince(t0)));

    // Raw results: each target/location gets rows evenly spaced over the last `days`, newest a minute ago.
    long perSeries = Math.max(1, o.results() / ((long) o.targets() * o.locations()));
    double spacing = o.days() * 86_400.0 / perSeries;
    long total = perSeries * o.targets() * o.locations();
    int chunks = (int) Math.min(50, Math.max(1, total / 500_000));
    long t1 = System.nanoTime();
    for (int chunk = 0; chunk < chunks; chunk++) {
      long from = perSeries * chunk / chunks;
      long to = perSeries * (chunk + 1) / chunks;
      try (Connection c = db.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, scheduled_at,
                      up, reason, status_code, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes,
                      http_version, remote_address)
                  SELECT t.id, ts, gen_random_uuid(), 1, l.loc, 'bench-agent', ts,
                         (r % 97) <> 0, CASE WHEN (r % 97) = 0 THEN 'TIMEOUT' END, CASE WHEN (r % 97) <> 0 THEN 200 END,
                         1000 + r % 500, 3000 + r % 2000, 8000 + r % 4000, 30000 + r % 30000, 2000 + r % 1000,
                         44000 + r % 37000, 2048, 'HTTP/1.1', '93.184.215.14'
                  FROM target t
                  CROSS JOIN (SELECT CAST(? AS text) || g AS loc FROM generate_series(1, CAST(? AS integer)) g) l
                  CROSS JOIN LATERAL generate_series(CAST(? AS bigint), CAST(? AS bigint) - 1) AS k
                  CROSS JOIN LATERAL (SELECT CAST(? AS timestamptz) - make_interval(secs => 60 + k * CAST(? AS double precision)) AS ts,
                                             abs(hashtext(t.id || l.loc || k)) AS r) x
                  """)) {
        ps.setString(1, LOCATION_PREFIX);
        ps.setInt(2, o.locations());
        ps.setLong(3, from);
        ps.setLong(4, to);
        ps.setTimestamp(5, Timestamp.from(now));
        ps.setDouble(6, spacing);
        ps.executeUpdate();
      }
      say(out, String.format(Locale.ROOT, "raw results: %d of %d rows (%.0f s)", perSeries * (chunk + 1) / chunks * o.targets() * o.locations(),
          total, secondsSince(t1)));
    }
    // Hourly rollups for every closed hour of the last rollupDays, except the last two (raw tail).
    long t2 = System.nanoTime();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO check_rollup_hourly (target_id, location, hour, checks, up_checks, min_total_us, avg_total_us,
                    max_total_us, p50_total_us, p95_total_us, p99_total_us, avg_dns_us, avg_connect_us, avg_tls_us,
                    avg_ttfb_us, avg_transfer_us)
                SELECT t.id, l.loc, h, 60, 60 - (r % 3 = 0)::int, 30000, 50000 + r % 20000, 150000 + r % 50000,
                       48000 + r % 20000, 90000 + r % 40000, 120000 + r % 60000, 1200, 4000, 10000, 32000, 2500
                FROM target t
                CROSS JOIN (SELECT CAST(? AS text) || g AS loc FROM generate_series(1, CAST(? AS integer)) g) l
                CROSS JOIN LATERAL generate_series(CAST(? AS timestamptz), CAST(? AS timestamptz), interval '1 hour') AS h
                CROSS JOIN LATERAL (SELECT abs(hashtext(t.id || l.loc || h::text)) AS r) x
                """)) {
      Instant lastHour = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
      ps.setString(1, LOCATION_PREFIX);
      ps.setInt(2, o.locations());
      ps.setTimestamp(3, Timestamp.from(lastHour.minus(Duration.ofDays(o.rollupDays())).plus(Duration.ofHours(1))));
      ps.setTimestamp(4, Timestamp.from(lastHour));
      if (o.rollupDays() > 0) {
        ps.executeUpdate();
      }
    }
    say(out, String.format(Locale.ROOT, "hourly rollups loaded in %.0f s", secondsSince(t2)));
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO target_status (target_id, location, result_id, started_at, up, reason, status_code, total_us, since)
                SELECT t.id, CAST(? AS text) || g, gen_random_uuid(), CAST(? AS timestamptz), (abs(hashtext(t.id)) % 50) <> 0,
                       CASE WHEN (abs(hashtext(t.id)) % 50) = 0 THEN 'HTTP_STATUS' END, 200, 50000, ?
                FROM target t CROSS JOIN generate_series(1, CAST(? AS integer)) g
                """)) {
      ps.setString(1, LOCATION_PREFIX);
      ps.setTimestamp(2, Timestamp.from(now.minusSeconds(60)));
      ps.setTimestamp(3, Timestamp.from(now.minus(Duration.ofDays(1))));
      ps.setInt(4, o.locations());
      ps.executeUpdate();
    }
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      long t3 = System.nanoTime();
      st.execute("ANALYZE");
      say(out, String.format(Locale.ROOT, "ANALYZE in %.0f s", secondsSince(t3)));
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_web_dataset VALUES (?, ?, ?, ?, ?)")) {
        ps.setInt(1, o.targets());
        ps.setLong(2, o.results());
        ps.setInt(3, o.days());
        ps.setInt(4, o.rollupDays());
        ps.setInt(5, o.locations());
        ps.executeUpdate();
      }
    }
  }

  private static void insertTargets(HikariDataSource db, int n, Instant now) throws SQLException {
    Targets store = new Targets();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      for (int i = 0; i < n; i++) {
        TargetSpec spec =
            TargetSpec.builder(String.format(Locale.ROOT, "bench%06d", i), "https://site" + i + ".example.com/health")
                .name(String.format(Locale.ROOT, "Site %06d", i))
                .interval(Duration.ofSeconds(TargetValidator.PRESETS.get(i % TargetValidator.PRESETS.size())))
                .tag(i % 2 == 0 ? "even" : "odd")
                .updatedAt(now)
                .build();
        store.upsert(c, spec);
        if (i % 1000 == 999) {
          c.commit();
        }
      }
      c.commit();
    }
  }

  private static List<String> ids(HikariDataSource db) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM target ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private static long count(HikariDataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // ---------------------------------------------------------------- load generator

  private static Figures measure(String name, Options o, PrintWriter out, Supplier<Integer> request) throws InterruptedException {
    run(o.warmup(), o.concurrency(), request, new long[o.warmup()]);
    long[] nanos = new long[o.requests()];
    long start = System.nanoTime();
    int errors = run(o.requests(), o.concurrency(), request, nanos);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (errors > 0) {
      throw new IllegalStateException(name + ": " + errors + " requests failed");
    }
    Arrays.sort(nanos);
    Figures f =
        new Figures(
            nanos.length, pct(nanos, 0.50), pct(nanos, 0.95), pct(nanos, 0.99), nanos[nanos.length - 1] / 1e6,
            nanos.length / seconds);
    say(out, String.format(Locale.ROOT, "%-34s p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms  %7.1f req/s",
        name, f.p50Ms(), f.p95Ms(), f.p99Ms(), f.maxMs(), f.requestsPerSecond()));
    return f;
  }

  /** Runs {@code count} requests, {@code concurrency} at a time; returns how many failed. */
  private static int run(int count, int concurrency, Supplier<Integer> request, long[] nanos) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < concurrency; w++) {
        pool.submit(
            () -> {
              int i;
              while ((i = next.getAndIncrement()) < count) {
                long t = System.nanoTime();
                int status;
                try {
                  status = request.get();
                } catch (RuntimeException e) {
                  status = -1;
                }
                nanos[i] = System.nanoTime() - t;
                if (status != 200) {
                  errors.incrementAndGet();
                }
              }
            });
      }
    }
    return errors.get();
  }

  private static double pct(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
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
    fields.put("user", UiRoutes.ADMIN_USER);
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
  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static double secondsSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }

  private static void say(PrintWriter out, String line) {
    out.println("bench web: " + line);
    out.flush();
  }

  /** The bench only reads: any write is refused. */
  private static final class ReadOnlyPublisher implements TargetPublisher {
    @Override
    public void publish(TargetSpec spec) {
      throw new UnavailableException("The web bench", "the web bench is read-only");
    }

    @Override
    public void delete(String id) {
      throw new UnavailableException("The web bench", "the web bench is read-only");
    }

    @Override
    public void close() {}
  }
}
