package dev.webmon.standalone;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.webmon.WebmonException;
import dev.webmon.agent.Agent;
import dev.webmon.agent.AgentConfig;
import dev.webmon.alerter.Alerter;
import dev.webmon.alerter.AlerterConfig;
import dev.webmon.check.AddressPolicy;
import dev.webmon.check.CheckConfig;
import dev.webmon.check.HttpChecker;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.SecretFiles;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.init.Initializer;
import dev.webmon.notifier.Notifier;
import dev.webmon.notifier.NotifierConfig;
import dev.webmon.notifier.NotifierHealth;
import dev.webmon.ops.Health;
import dev.webmon.ops.OpsServer;
import dev.webmon.sink.Sink;
import dev.webmon.sink.SinkConfig;
import dev.webmon.sink.SinkHealth;
import dev.webmon.store.Database;
import dev.webmon.web.KafkaTargetPublisher;
import dev.webmon.web.WebApp;
import dev.webmon.web.WebConfig;
import dev.webmon.web.WebHealth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole monitor in one process: embedded PostgreSQL and Kafka broker (unless external ones are
 * configured), init, the sink, the alerter, the notifier, an agent and the web app. {@link #close()} stops everything in
 * reverse order. Not thread-safe; start and close from one thread.
 *
 * <p>Over 400 lines because it is the one place that wires every component in order, with each
 * step's failure message; the parts it wires live in their own packages.
 */
public final class Standalone implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);
  private static final String DEFAULT_LOCATION = "local";
  private static final String DEMO_GROUP_WAIT = "10s";

  /**
   * What to run.
   *
   * @param dataDir where embedded data, generated credentials and the lock live
   * @param demo also run the demo server, register its endpoints as targets and its inbox as the
   *     default webhook channel
   */
  public record Options(Path dataDir, boolean demo) {}

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final long startNanos = System.nanoTime();
  private final Consumer<String> progress;
  private String webUrl = "";
  private Optional<String> opsUrl = Optional.empty();
  private WebCredentials credentials;

  private Standalone(Consumer<String> progress) {
    this.progress = progress;
  }

  /**
   * The generated (or configured) login of the web app.
   *
   * @param generated the stored login was generated at this start
   * @param passwordConfigured {@code web.admin-password} was given (so it is never printed)
   * @param tokenConfigured {@code web.api-token} was given (so it is never printed)
   */
  public record WebCredentials(
      String adminPassword, String apiToken, boolean generated, boolean passwordConfigured, boolean tokenConfigured) {
    @Override
    public String toString() {
      return "WebCredentials[******]";
    }
  }

  /**
   * Starts everything, reporting each step through {@code progress}. On failure, whatever was
   * started is stopped again before the exception propagates.
   */
  public static Standalone start(Settings settings, Options options, Consumer<String> progress) {
    Standalone s = new Standalone(progress);
    try {
      s.run(settings, options);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  public String webUrl() {
    return webUrl;
  }

  /** The base URL of the process's /metrics, /health and /ready, unless disabled. */
  public Optional<String> opsUrl() {
    return opsUrl;
  }

  public WebCredentials credentials() {
    return credentials;
  }

  private void step(String message) {
    long ms = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    progress.accept(String.format(java.util.Locale.ROOT, "[%5.1fs] %s", ms / 1000.0, message));
  }

  private void run(Settings userSettings, Options options) {
    Path dataDir = options.dataDir().toAbsolutePath().normalize();
    createDataDir(dataDir);
    lock(dataDir);
    step("data directory " + dataDir);

    boolean externalPg = userSettings.isSet(PostgresConfig.URL);
    boolean externalKafka = userSettings.isSet(KafkaConfig.BOOTSTRAP_SERVERS);
    // PostgreSQL and the broker start in parallel: together they are most of the cold start.
    CompletableFuture<EmbeddedPostgres> pgFuture =
        externalPg
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.supplyAsync(
                () -> EmbeddedPostgres.builder().dataDir(dataDir.resolve("postgres")).workingDir(dataDir.resolve("pg-bin")).durable(true).start());
    CompletableFuture<EmbeddedKafka> kafkaFuture =
        externalKafka
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.supplyAsync(() -> EmbeddedKafka.builder().dataDir(dataDir.resolve("kafka")).start());
    EmbeddedPostgres pg = join(pgFuture, kafkaFuture);
    EmbeddedKafka broker = join(kafkaFuture, pgFuture);

    Map<String, String> wired = new HashMap<>();
    if (pg != null) {
      resources.push(pg);
      wired.put(PostgresConfig.URL.name(), pg.jdbcUrl());
      wired.put(PostgresConfig.USER.name(), pg.user());
      wired.put(PostgresConfig.PASSWORD.name(), pg.password().reveal());
      wired.put(PostgresConfig.SSL_MODE.name(), "DISABLE");
      step("PostgreSQL 18 ready at " + pg.jdbcUrl() + " (embedded, data in " + pg.dataDir() + ")");
    } else {
      step("PostgreSQL: using " + PostgresConfig.from(userSettings).url());
    }
    if (broker != null) {
      resources.push(broker);
      wired.put(KafkaConfig.BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
      wired.put(KafkaConfig.SECURITY_PROTOCOL.name(), "PLAINTEXT");
      step("Kafka broker ready at " + broker.bootstrapServers() + " (embedded, data in " + broker.dataDir() + ")");
    } else {
      step("Kafka: using " + KafkaConfig.from(userSettings).bootstrapServers());
    }
    credentials = webCredentials(userSettings, dataDir);
    wired.put(WebConfig.ADMIN_PASSWORD.name(), credentials.adminPassword());
    wired.put(WebConfig.API_TOKEN.name(), credentials.apiToken());
    Map<String, String> defaults = new HashMap<>();
    defaults.put(AgentConfig.LOCATION.name(), DEFAULT_LOCATION);
    defaults.put(WebConfig.METRICS_PORT.name(), "0");
    // Kept with the other data: a restart reuses the Streams process id (and so its transactional
    // ids, fencing a killed run's open transactions at once).
    defaults.put(AlerterConfig.STATE_DIR.name(), dataDir.resolve("alerter").toString());
    // One process: a few channels in parallel are plenty (each holds a connection while it sends).
    defaults.put(NotifierConfig.WORKERS.name(), "4");
    if (options.demo()) {
      // The demo's incidents open within seconds of each other: a short window still groups them,
      // and the first notification reaches the inbox sooner than with the 30 s default.
      defaults.put(NotifierConfig.GROUP_WAIT.name(), DEMO_GROUP_WAIT);
    }
    Settings settings = userSettings.withOverrides(wired).withDefaults(defaults);

    DemoServer demo = null;
    if (options.demo()) {
      demo = DemoServer.start();
      resources.push(demo);
      settings = withDemoAllowed(settings, demo.port());
      step("demo site on http://127.0.0.1:" + demo.port() + " (healthy, slow, flapping, failing endpoints; only its port allow-listed)");
    }

    KafkaConfig kafka = KafkaConfig.from(settings);
    TopicsConfig topics = TopicsConfig.from(settings);
    PostgresConfig postgres = PostgresConfig.from(settings);
    Initializer.Report report = new Initializer(kafka, topics, postgres).run();
    step(report.changedAnything() ? "topics and schema created" : "topics and schema verified (nothing to change)");
    if (report.hasConflicts()) {
      report.lines().forEach(this::step);
      throw new WebmonException("init found conflicting topics; fix them as shown above or use another --topics-prefix.");
    }

    // One operations endpoint for the process: sink and web share a registry; the agent's has
    // its own (its meters carry the common tags location and agent), and so has the alerter's
    // (its filter renames the Kafka Streams client metrics).
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry agentRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry alerterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SinkConfig sinkConfig = SinkConfig.from(settings);
    Sink sink = Sink.builder(kafka, topics, postgres, sinkConfig).meterRegistry(registry).start();
    resources.push(sink);
    step("sink started (Kafka -> PostgreSQL, exactly once)");

    Alerter alerter =
        Alerter.start(kafka, topics, AlerterConfig.from(settings), Clock.systemUTC(), alerterRegistry);
    resources.push(alerter);
    step("alerter started (incidents, exactly once)");

    AgentConfig agentConfig = AgentConfig.from(settings);
    CheckConfig checkConfig = CheckConfig.from(settings);
    Agent agent =
        Agent.start(kafka, topics, agentConfig, new HttpChecker(checkConfig, agentConfig.location(), agentConfig.agentId()),
            InstantSource.system(), agentRegistry);
    resources.push(agent);
    step("agent started (location " + agentConfig.location() + ")");

    WebConfig webConfig = WebConfig.from(settings);
    HikariDataSource webPool = Database.pool(postgres, "web");
    resources.push(webPool);
    KafkaTargetPublisher publisher = KafkaTargetPublisher.create(kafka, topics.targets(), webConfig.publishTimeout());
    resources.push(publisher);
    WebApp web =
        WebApp.create(
                webConfig, webPool, publisher, publisher.policies(topics.alertPolicies()), publisher.maintenance(topics.maintenance()),
                publisher.incidentCommands(topics.incidentCommands()), AddressPolicy.fromConfig(checkConfig),
                Clock.systemUTC(), registry)
            .start();
    resources.push(web);
    webPool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    webUrl = "http://" + displayHost(webConfig.bindAddress()) + ":" + web.port();
    step("web listening at " + webUrl);

    // The links in notifications point at this web app (web.public-url, else its own address,
    // known once it listens) unless notify.web-base-url names another, e.g. a proxy's.
    NotifierConfig notifierConfig = NotifierConfig.from(withLinkBase(settings, webConfig, webUrl));
    Notifier notifier =
        Notifier.builder(kafka, topics, postgres, notifierConfig)
            .addressPolicy(AddressPolicy.of(settings.get(CheckConfig.ALLOWED_NETWORKS)))
            .meterRegistry(registry)
            .start();
    resources.push(notifier);
    step("notifier started (incidents -> channels, at least once)");

    if (webConfig.metricsPort() >= 0) {
      SinkHealth sinkHealth = new SinkHealth(sink, sinkConfig);
      WebHealth webHealth = new WebHealth(web, webPool, publisher);
      NotifierHealth notifierHealth = new NotifierHealth(notifier);
      OpsServer ops =
          OpsServer.start(
              "Standalone",
              webConfig.metricsHost(),
              webConfig.metricsPort(),
              List.of(registry, agentRegistry, alerterRegistry),
              () -> Health.combined("standalone", List.of(agent.health(), sinkHealth.health(), alerter.health(), notifierHealth.health(),
                  webHealth.health())));
      resources.push(ops);
      opsUrl = Optional.of(ops.url());
      step("metrics at " + ops.url() + "/metrics, liveness at " + ops.url() + "/health, readiness at " + ops.url() + "/ready");
    }

    if (demo != null) {
      DemoChannel.createOrRefresh(webPool, demo);
      step("demo inbox at " + demo.inboxUrl() + " (webhook channel " + DemoChannel.ID + ", default: every notification goes there)");
      registerDemoTargets(demo, publisher, webPool);
      step("registered " + DemoServer.ENDPOINTS.size() + " demo targets");
      createDemoStatusPage(webPool);
      step("demo status page at " + web.url() + "status/demo");
    }
    step(
        "agent assigned "
            + agent.assignedPartitions()
            + " partition(s) with "
            + agent.targetCount()
            + " target(s) so far");
  }

  private static String displayHost(String bindAddress) {
    return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "localhost" : bindAddress;
  }

  /** {@code settings} where notify.web-base-url, unless set, is web.public-url or else {@code webUrl}. */
  static Settings withLinkBase(Settings settings, WebConfig web, String webUrl) {
    return settings.withDefaults(
        Map.of(NotifierConfig.WEB_BASE_URL.name(), web.publicUrl().map(URI::toString).orElse(webUrl + "/")));
  }

  /**
   * {@code settings} with the demo site's port on 127.0.0.1 added to {@code check.allowed-networks}:
   * that one port only, not all of loopback, where the embedded PostgreSQL and Kafka listen too.
   */
  static Settings withDemoAllowed(Settings settings, int demoPort) {
    java.util.List<String> allowed = new java.util.ArrayList<>();
    settings.find(CheckConfig.ALLOWED_NETWORKS).ifPresent(l -> l.forEach(a -> allowed.add(a.toString())));
    allowed.add("127.0.0.1/32:" + demoPort);
    return settings.withOverrides(Map.of(CheckConfig.ALLOWED_NETWORKS.name(), String.join(",", allowed)));
  }

  private static void registerDemoTargets(DemoServer demo, KafkaTargetPublisher publisher, HikariDataSource pool) {
    for (DemoServer.Endpoint e : DemoServer.ENDPOINTS) {
      long version = currentVersion(pool, e.id()) + 1;
      publisher.publish(
          TargetSpec.builder(e.id(), demo.url(e.path()))
              .version(version)
              .name(e.name())
              .interval(e.interval())
              .mustMatch(e.mustMatch())
              .timeout(Duration.ofSeconds(5))
              .tags(java.util.List.of("demo"))
              .updatedAt(Instant.now())
              .build());
    }
  }

  /** The public status page /status/demo over the demo targets, once (kept as the user edits it). */
  private static void createDemoStatusPage(HikariDataSource pool) {
    dev.webmon.store.StatusPages pages = new dev.webmon.store.StatusPages();
    dev.webmon.store.Jdbc.transaction(
        pool,
        c -> {
          Instant now = Instant.now();
          if (pages.insert(
              c, new dev.webmon.store.StatusPages.Page("demo", "Demo shop status", "The demo site webmon monitors.", "public", false, "", now))) {
            pages.addComponent(c, "demo", "Shop", 0, List.of("demo-healthy", "demo-pattern"));
            pages.addComponent(c, "demo", "API", 1, List.of("demo-slow"));
            pages.addComponent(c, "demo", "Search", 2, List.of("demo-flapping"));
            pages.addComponent(c, "demo", "Payments", 3, List.of("demo-failing"));
            new dev.webmon.store.StatusPosts()
                .insert(c, "demo", "Payments failing", "identified",
                    "The payments backend answers **HTTP 503**. We are on it; see the [demo site](https://example.com/).", now);
          }
          return null;
        });
  }

  private static long currentVersion(HikariDataSource pool, String id) {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT version FROM target WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    } catch (SQLException ex) {
      throw new WebmonException("Cannot read demo target " + id + ": " + ex.getMessage(), ex);
    }
  }

  /** The web login: configured values win; otherwise generated once and kept in the data dir. */
  private static WebCredentials webCredentials(Settings settings, Path dataDir) {
    boolean setPassword = settings.isSet(WebConfig.ADMIN_PASSWORD);
    boolean setToken = settings.isSet(WebConfig.API_TOKEN);
    Path file = dataDir.resolve("web-credentials.properties");
    Properties stored = new Properties();
    if (Files.exists(file)) {
      SecretFiles.requirePrivate(file, "web credentials");
      try (Reader r = Files.newBufferedReader(file)) {
        stored.load(r);
      } catch (IOException e) {
        throw new WebmonException("Cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    boolean generated = false;
    if (stored.getProperty("admin-password") == null || stored.getProperty("api-token") == null) {
      SecureRandom random = new SecureRandom();
      stored.setProperty("admin-password", randomHex(random, 8));
      stored.setProperty("api-token", randomHex(random, 24));
      writePrivate(file, stored);
      generated = true;
    }
    String password = setPassword ? settings.get(WebConfig.ADMIN_PASSWORD).reveal() : stored.getProperty("admin-password");
    String token = setToken ? settings.get(WebConfig.API_TOKEN).reveal() : stored.getProperty("api-token");
    return new WebCredentials(password, token, generated && !(setPassword && setToken), setPassword, setToken);
  }

  private static String randomHex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void writePrivate(Path file, Properties props) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (Writer w = Files.newBufferedWriter(file, StandardOpenOption.TRUNCATE_EXISTING)) {
        props.store(w, "webmon standalone: generated web login (keep private)");
      }
    } catch (IOException e) {
      throw new WebmonException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void createDataDir(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new WebmonException("Cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /** One standalone per data directory: a second one would corrupt the embedded stores. */
  private void lock(Path dataDir) {
    Path lockFile = dataDir.resolve(".lock");
    try {
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new WebmonException(
            "Another webmon standalone is using " + dataDir + "; stop it first or pass another --data-dir.");
      }
      FileLock held = lock;
      resources.push(() -> {
        held.release();
        channel.close();
      });
    } catch (IOException e) {
      throw new WebmonException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  private static <T> T join(CompletableFuture<T> future, CompletableFuture<?> other) {
    try {
      return future.join();
    } catch (CompletionException e) {
      // Do not leave the other half running when one fails.
      other.thenAccept(o -> {
        if (o instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception ignored) {
            // best effort: we are already failing
          }
        }
      });
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /** Stops everything in reverse start order; safe to call twice. */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", r.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
