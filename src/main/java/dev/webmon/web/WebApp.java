package dev.webmon.web;

import dev.webmon.check.AddressPolicy;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.notifier.ChannelFactory;
import dev.webmon.store.AlertPolicies;
import dev.webmon.store.ChannelWrites;
import dev.webmon.store.DeliveryLog;
import dev.webmon.store.FrequencyViews;
import dev.webmon.store.IncidentReads;
import dev.webmon.store.TargetLeases;
import dev.webmon.store.TargetList;
import dev.webmon.store.Targets;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app: UI and REST API on Javalin (Jetty 12), wired by hand. Stateless: sessions live in
 * PostgreSQL, targets in Kafka and PostgreSQL, so any number of instances can serve behind a load
 * balancer. {@code webmon web}, {@code webmon standalone} and the tests create it with {@link
 * #create}. The caller owns the data source and the publisher and closes them after {@link
 * #close()}.
 */
public final class WebApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);

  /** Security headers of every response. No inline scripts or styles are allowed by the CSP. */
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
              + "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
          "X-Content-Type-Options", "nosniff",
          "X-Frame-Options", "DENY",
          "Referrer-Policy", "same-origin",
          "Cross-Origin-Opener-Policy", "same-origin");

  private final Javalin javalin;
  private final WebConfig config;
  private final List<String> routes;
  private final PublishAtStart publishAtStart;

  private WebApp(Javalin javalin, WebConfig config, List<String> routes, PublishAtStart publishAtStart) {
    this.javalin = javalin;
    this.config = config;
    this.routes = routes;
    this.publishAtStart = publishAtStart;
  }

  /**
   * Builds the app (not started).
   *
   * @param dataSource the PostgreSQL pool (schema migrated by {@code webmon init})
   * @param publisher where target changes go (the targets topic)
   * @param policies where alert policy changes go (the alert-policies topic)
   * @param addresses the address policy applied when a target is created or changed
   */
  public static WebApp create(
      WebConfig config,
      DataSource dataSource,
      TargetPublisher publisher,
      PolicyPublisher policies,
      AddressPolicy addresses,
      Clock clock) {
    return create(config, dataSource, publisher, policies, addresses, clock, new CompositeMeterRegistry());
  }

  /**
   * Builds the app (not started), timing every request in {@code registry} ({@link HttpMetrics}),
   * without a publisher of incident commands: an ack of an incident answers 503.
   */
  public static WebApp create(
      WebConfig config,
      DataSource dataSource,
      TargetPublisher publisher,
      PolicyPublisher policies,
      AddressPolicy addresses,
      Clock clock,
      MeterRegistry registry) {
    return create(config, dataSource, publisher, policies, IncidentCommandPublisher.unavailable(), addresses, clock, registry);
  }

  /**
   * Builds the app (not started), timing every request in {@code registry} ({@link HttpMetrics}),
   * without a publisher of maintenance windows: a change of one answers 503.
   *
   * @param commands where acknowledgements of incidents go (the incident-commands topic)
   */
  public static WebApp create(
      WebConfig config,
      DataSource dataSource,
      TargetPublisher publisher,
      PolicyPublisher policies,
      IncidentCommandPublisher commands,
      AddressPolicy addresses,
      Clock clock,
      MeterRegistry registry) {
    return create(config, dataSource, publisher, policies, MaintenanceService.UNAVAILABLE, commands, addresses, clock, registry);
  }

  /**
   * Builds the app (not started), timing every request in {@code registry} ({@link HttpMetrics}).
   *
   * @param maintenance where maintenance window changes go (the maintenance topic)
   * @param commands where acknowledgements of incidents go (the incident-commands topic)
   */
  public static WebApp create(
      WebConfig config,
      DataSource dataSource,
      TargetPublisher publisher,
      PolicyPublisher policies,
      ChangePublisher<MaintenanceWindow> maintenance,
      IncidentCommandPublisher commands,
      AddressPolicy addresses,
      Clock clock,
      MeterRegistry registry) {
    Views views = new Views();
    Targets store = new Targets();
    TargetValidator validator = new TargetValidator(addresses);
    TargetLeases leases = new TargetLeases();
    AlertPolicies policyStore = new AlertPolicies();
    TargetService service =
        new TargetService(dataSource, publisher, validator, store, leases, policyStore, config.publishTimeout(), clock);
    PolicyService policyService = new PolicyService(dataSource, policies, policyStore, config.publishTimeout(), clock);
    TargetImport importer = new TargetImport(dataSource, service, publisher, validator, store, leases);
    TargetList targets = new TargetList(dataSource, clock);
    ResultReads results = new ResultReads(dataSource, clock);
    Sessions sessions = new Sessions(dataSource, Sessions.credentialOf(config.adminPassword()), clock, config.sessionTimeout());
    Access access = new Access(sessions, config.apiToken().reveal(), config.openReads());
    ErrorMapper errors = new ErrorMapper(views);
    TargetApiRoutes targetApi = new TargetApiRoutes(dataSource, service, importer, store, targets, clock);
    SessionRoutes sessionPages =
        new SessionRoutes(
            views, sessions, PasswordHasher.of(config.adminPassword()), new LoginThrottle(clock),
            new ClientAddress(config.trustedProxies()), config);
    // Notification channels and the delivery log (issue 13).
    Deliveries deliveries = new Deliveries(dataSource, new DeliveryLog());
    ChannelService channels =
        new ChannelService(dataSource, new ChannelWrites(), new DeliveryLog(), new ChannelFactory(addresses, clock), addresses, clock);
    TargetPageRoutes targetPages =
        new TargetPageRoutes(
            views, dataSource, service, store, targets, new FrequencyViews(dataSource), results, policyService, deliveries);
    IncidentReads incidentReads = new IncidentReads(dataSource);
    ResultRoutes resultRoutes = new ResultRoutes(views, dataSource, store, results, incidentReads);
    IncidentRoutes incidentRoutes = new IncidentRoutes(views, incidentReads, commands, clock, deliveries);
    // Status pages and maintenance windows (issue #14): a window's change drops the cached pages.
    StatusService statusPages = new StatusService(dataSource, clock);
    MaintenanceService windows = new MaintenanceService(dataSource, maintenance, config.publishTimeout(), clock, statusPages::invalidateAll);
    List<String> routes = Collections.synchronizedList(new ArrayList<>());
    Javalin javalin =
        Javalin.create(
            c -> {
              c.jetty.host = config.bindAddress();
              c.jetty.port = config.port();
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.concurrency.useVirtualThreads = true;
              c.requestLogger.http(new HttpMetrics(registry, c.unsafe)::record);
              c.http.maxRequestSize = Json.MAX_BODY_BYTES;
              c.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
              // Only Access.Body.MULTIPART routes read multipart, within this size, kept in memory.
              c.jetty.multipartConfig.maxTotalRequestSize(Access.MAX_MULTIPART_BYTES, SizeUnit.BYTES);
              c.jetty.multipartConfig.maxFileSize(Access.MAX_MULTIPART_BYTES, SizeUnit.BYTES);
              c.jetty.multipartConfig.maxInMemoryFileSize(Access.MAX_MULTIPART_BYTES, SizeUnit.BYTES);
              c.http.defaultContentType = "application/json";
              c.staticFiles.add(
                  s -> {
                    s.hostedPath = "/static";
                    s.directory = "/web/static";
                    s.location = Location.CLASSPATH;
                    s.headers = Map.of("Cache-Control", "public, max-age=3600");
                    s.roles = Set.of(Access.Rule.ASSET);
                  });
              c.events.handlerAdded(
                  h -> {
                    if (h.getHttpMethod().isHttpMethod()) {
                      // Access decides on the matched route's rule: a route without one is a bug.
                      if (h.getRoles().stream().filter(Access.Rule.class::isInstance).count() != 1) {
                        throw new IllegalStateException(h.getHttpMethod() + " " + h.getPath() + " needs exactly one Access.Rule");
                      }
                      if (h.getHttpMethod() != HandlerType.HEAD) {
                        routes.add(h.getHttpMethod() + " " + h.getPath());
                      }
                    }
                  });
              c.routes.before(WebApp::securityHeaders);
              c.routes.beforeMatched(access::check);
              errors.register(c.routes);
              Routes r = new Routes(c.routes);
              r.get("/healthz", Access.Rule.ASSET, ctx -> Json.send(ctx, 200, Map.of("status", "ok")));
              r.get("/favicon.ico", Access.Rule.ASSET, ctx -> ctx.redirect("/static/favicon.svg"));
              targetApi.register(r);
              sessionPages.register(r);
              targetPages.register(r);
              resultRoutes.register(r); // after targetPages: /targets/new is no id
              new ChannelApiRoutes(channels, deliveries, incidentReads).register(r); // issue 13
              new ChannelPageRoutes(views, channels, deliveries).register(r);
              new PolicyApiRoutes(policyService).register(r);
              new PolicyPageRoutes(views, policyService).register(r);
              incidentRoutes.register(r);
              // Status pages (issue #14): public pages, feeds and badges; their management.
              new StatusPageRoutes(views, statusPages, config.apiToken().reveal(), config.publicUrl()).register(r);
              new StatusApiRoutes(statusPages).register(r);
              new StatusAdminRoutes(views, statusPages).register(r);
              new MaintenanceApiRoutes(windows).register(r);
              new MaintenancePageRoutes(views, windows).register(r);
            });
    PublishAtStart atStart =
        new PublishAtStart(
            List.of(
                new PublishAtStart.Task("alert policies", policyService::publishPending),
                new PublishAtStart.Task("maintenance windows", windows::republish)));
    return new WebApp(javalin, config, routes, atStart);
  }

  /**
   * Fails with a clear message when the database lacks the web app's tables, i.e. {@code webmon
   * init} has not run (or is older than this version).
   */
  public static void requireSchema(DataSource dataSource) {
    try (java.sql.Connection c = dataSource.getConnection();
        java.sql.Statement st = c.createStatement()) {
      st.executeQuery("SELECT 1 FROM target, web_session, check_rollup_hourly, alert_policy LIMIT 0").close();
      st.executeQuery("SELECT 1 FROM incident, incident_event LIMIT 0").close();
      st.executeQuery("SELECT 1 FROM status_page, check_uptime_daily, maintenance_window LIMIT 0").close();
      st.executeQuery("SELECT * FROM webmon_hourly('-', now(), now()) LIMIT 0").close();
    } catch (java.sql.SQLException e) {
      throw new dev.webmon.WebmonException(
          "The PostgreSQL schema is missing or out of date (" + e.getMessage().lines().findFirst().orElse("")
              + "): run 'webmon init' with the same postgres.* settings first.",
          e);
    }
  }

  private static void securityHeaders(Context ctx) {
    SECURITY_HEADERS.forEach(ctx::header);
    if (!ctx.path().startsWith("/static/")) {
      ctx.header("Cache-Control", "no-store");
    }
  }

  /** Binds the port; returns this. */
  public WebApp start() {
    javalin.start();
    publishAtStart.start();
    LOG.info("web app listening on {}", url());
    return this;
  }

  /** Whether the HTTP server runs (started and not stopped). */
  public boolean isRunning() {
    return javalin.jettyServer().server().isRunning();
  }

  /** The bound port (after {@link #start()}). */
  public int port() {
    return javalin.port();
  }

  /** The base URL users open, e.g. {@code http://127.0.0.1:8080/}. */
  public String url() {
    String host = config.bindAddress();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + "/";
  }

  /** "METHOD path" of every registered route (the OpenAPI test compares them). */
  List<String> routes() {
    return List.copyOf(routes);
  }

  /** Stops the server; idempotent. */
  @Override
  public void close() {
    publishAtStart.close();
    javalin.stop();
  }
}
