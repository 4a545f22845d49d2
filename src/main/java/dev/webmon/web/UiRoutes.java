package dev.webmon.web;

import dev.webmon.event.TargetSpec;
import dev.webmon.store.ChartSeries;
import dev.webmon.store.FrequencyViews;
import dev.webmon.store.Jdbc;
import dev.webmon.store.ResultPages;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetList;
import dev.webmon.store.TargetStats;
import dev.webmon.store.Targets;
import dev.webmon.store.UnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The server-rendered UI: login, targets list, add/edit/delete form, target page and the views by
 * frequency. Every value reaches the HTML through Pebble's auto-escaping; forms carry the
 * session's CSRF token (checked by {@link Access}).
 */
final class UiRoutes {
  static final String ADMIN_USER = "admin";

  private final Views views;
  private final DataSource dataSource;
  private final TargetService service;
  private final Targets store;
  private final TargetList targets;
  private final FrequencyViews frequencies;
  private final ResultReads results;
  private final Sessions sessions;
  private final PasswordHasher password;
  private final LoginThrottle throttle;
  private final WebConfig config;

  UiRoutes(
      Views views,
      DataSource dataSource,
      TargetService service,
      Targets store,
      TargetList targets,
      FrequencyViews frequencies,
      ResultReads results,
      Sessions sessions,
      PasswordHasher password,
      LoginThrottle throttle,
      WebConfig config) {
    this.views = views;
    this.dataSource = dataSource;
    this.service = service;
    this.store = store;
    this.targets = targets;
    this.frequencies = frequencies;
    this.results = results;
    this.sessions = sessions;
    this.password = password;
    this.throttle = throttle;
    this.config = config;
  }

  void register(RoutesConfig r) {
    r.get("/", ctx -> ctx.redirect("/targets"));
    r.get("/login", this::loginForm);
    r.post("/login", this::login);
    r.post("/logout", this::logout);
    r.get("/targets", this::list);
    r.get("/targets/new", this::newForm);
    r.post("/targets", this::create);
    r.get("/frequencies", this::frequencies);
    r.get("/targets/{id}", this::detail);
    r.get("/targets/{id}/edit", this::editForm);
    r.post("/targets/{id}", this::update);
    r.post("/targets/{id}/delete", this::delete);
  }

  // ---------------------------------------------------------------- login

  private void loginForm(Context ctx) {
    if (Access.caller(ctx).kind() == Access.Kind.SESSION) {
      ctx.redirect(safeNext(ctx.queryParam("next")));
      return;
    }
    renderLogin(ctx, 200, "");
  }

  private void renderLogin(Context ctx, int status, String error) {
    String token = Sessions.randomToken();
    // Double-submit token against login CSRF: the form field must equal this cookie.
    Cookies.set(ctx, config, Access.LOGIN_COOKIE, token, Duration.ofHours(1), "Strict");
    Map<String, Object> m = model(ctx, "Log in");
    m.put("loginToken", token);
    m.put("next", safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
    m.put("error", error);
    m.put("user", ADMIN_USER);
    ctx.status(status).html(views.render("login", m));
  }

  private void login(Context ctx) {
    String address = ctx.ip();
    throttle.check(address);
    String cookie = ctx.cookie(Access.LOGIN_COOKIE);
    if (cookie == null || !Sessions.constantTimeEquals(cookie, ctx.formParam("_login"))) {
      renderLogin(ctx, 403, "The login form expired; please try again.");
      return;
    }
    String user = Optional.ofNullable(ctx.formParam("user")).orElse("").strip();
    boolean ok = user.equals(ADMIN_USER) & password.matches(ctx.formParam("password"));
    if (!ok) {
      throttle.failed(address);
      renderLogin(ctx, 401, "Wrong user name or password.");
      return;
    }
    throttle.succeeded(address);
    Sessions.Session session = sessions.create();
    Cookies.set(ctx, config, Access.SESSION_COOKIE, session.cookieValue(), sessions.timeout(), "Lax");
    Cookies.clear(ctx, config, Access.LOGIN_COOKIE);
    ctx.redirect(safeNext(ctx.formParam("next")), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    sessions.delete(ctx.cookie(Access.SESSION_COOKIE));
    Cookies.clear(ctx, config, Access.SESSION_COOKIE);
    ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /** Only local paths, never another site ("//evil" or "https://..."). */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.length() > 2000
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/targets";
    }
    return next;
  }

  // ---------------------------------------------------------------- list

  private void list(Context ctx) {
    TargetList.Filter filter;
    Map<String, Object> m = model(ctx, "Targets");
    m.put("filterError", "");
    try {
      filter = ApiRoutes.filter(ctx);
    } catch (ValidationException e) {
      m.put("filterError", e.getMessage());
      filter = TargetList.Filter.firstPage();
    }
    TargetList.Page page = targets.list(filter);
    Instant now = results.now();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TargetList.Row row : page.items()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", row.id());
      r.put("name", row.name());
      r.put("url", row.url());
      r.put("interval", Format.interval(row.intervalSeconds()));
      r.put("tags", row.tags());
      r.put("status", row.status().name().toLowerCase(Locale.ROOT));
      r.put("statusText", statusText(row));
      r.put("lastCheck", Format.ago(row.lastCheckAt(), now));
      r.put("lastCheckUtc", Format.utc(row.lastCheckAt()));
      r.put("uptime24h", Format.percent(row.uptime24h()));
      r.put("uptime7d", Format.percent(row.uptime7d()));
      r.put("uptime30d", Format.percent(row.uptime30d()));
      r.put("p95", Format.millis(row.p95Ms24h()));
      r.put("spark", Format.sparkline(row.sparklineMs(), 96, 24));
      rows.add(r);
    }
    m.put("rows", rows);
    m.put("total", page.total());
    m.put("page", page.page());
    m.put("pages", page.pages());
    m.put("q", filter.text().orElse(""));
    m.put("statusFilter", filter.status().map(s -> s.name().toLowerCase(Locale.ROOT)).orElse(""));
    m.put("tag", filter.tag().orElse(""));
    m.put("interval", filter.intervalSeconds().map(String::valueOf).orElse(""));
    m.put("sort", filter.sort());
    m.put("size", filter.size());
    m.put("presets", presets());
    m.put("sortLinks", sortLinks(filter));
    m.put("prevUrl", page.page() > 1 ? listUrl(filter, filter.sort(), page.page() - 1) : "");
    m.put("nextUrl", page.page() < page.pages() ? listUrl(filter, filter.sort(), page.page() + 1) : "");
    m.put("deleted", Optional.ofNullable(ctx.queryParam("deleted")).orElse(""));
    ctx.html(views.render("targets", m));
  }

  private static String statusText(TargetList.Row row) {
    return switch (row.status()) {
      case UP -> "up";
      case DOWN -> "down";
      case DEGRADED -> "down in " + (row.locations() - row.upLocations()) + " of " + row.locations() + " locations";
      case UNKNOWN -> "no result yet";
    };
  }

  private static Map<String, String> sortLinks(TargetList.Filter f) {
    Map<String, String> links = new LinkedHashMap<>();
    for (String key : List.of("name", "url", "interval", "status", "lastCheck")) {
      String next = f.sort().equals(key) ? "-" + key : key;
      links.put(key, listUrl(f, next, 1));
    }
    return links;
  }

  /** A list URL with the filter's parameters, percent-encoded. */
  static String listUrl(TargetList.Filter f, String sort, int page) {
    Map<String, String> p = new LinkedHashMap<>();
    f.text().ifPresent(v -> p.put("q", v));
    f.status().ifPresent(v -> p.put("status", v.name().toLowerCase(Locale.ROOT)));
    f.tag().ifPresent(v -> p.put("tag", v));
    f.intervalSeconds().ifPresent(v -> p.put("interval", v.toString()));
    p.put("sort", sort);
    if (page > 1) {
      p.put("page", Integer.toString(page));
    }
    if (f.size() != TargetList.DEFAULT_PAGE_SIZE) {
      p.put("size", Integer.toString(f.size()));
    }
    return "/targets?"
        + p.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
  }

  private static List<Map<String, Object>> presets() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (long s : TargetValidator.PRESETS) {
      out.add(Map.of("seconds", Long.toString(s), "label", "every " + Format.interval(s)));
    }
    return out;
  }

  // ---------------------------------------------------------------- frequencies

  private void frequencies(Context ctx) {
    Map<String, Object> m = model(ctx, "Views by frequency");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FrequencyViews.Frequency f : frequencies.frequencies()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("view", f.view());
      r.put("label", "every " + Format.interval(f.intervalSeconds()));
      r.put("seconds", f.intervalSeconds());
      r.put("targets", f.targets());
      r.put("up", f.up());
      r.put("down", f.down());
      r.put("noData", f.noData());
      rows.add(r);
    }
    m.put("rows", rows);
    ctx.html(views.render("frequencies", m));
  }

  // ---------------------------------------------------------------- form

  private void newForm(Context ctx) {
    requireLogin(ctx);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("intervalPreset", "60");
    values.put("expectedStatus", "200-399");
    values.put("method", "GET");
    values.put("timeoutSeconds", "10");
    values.put("maxRedirects", Integer.toString(TargetSpec.DEFAULT_MAX_REDIRECTS));
    renderForm(ctx, 200, Optional.empty(), values, List.of(), "");
  }

  private void editForm(Context ctx) {
    requireLogin(ctx);
    String id = ApiRoutes.id(ctx);
    TargetSpec spec =
        Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> ApiRoutes.notFound(id)).spec();
    renderForm(ctx, 200, Optional.of(spec), formValues(spec), List.of(), "");
  }

  private void create(Context ctx) {
    Map<String, String> values = submitted(ctx);
    try {
      TargetService.Written w = service.create(TargetRequest.fromForm(ctx.formParamMap()));
      ctx.redirect("/targets/" + w.spec().id(), io.javalin.http.HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      renderForm(ctx, 400, Optional.empty(), values, e.errors(), "");
    } catch (UnavailableException e) {
      renderForm(ctx, 503, Optional.empty(), values, List.of(), e.getMessage());
    }
  }

  private void update(Context ctx) {
    String id = ApiRoutes.id(ctx);
    Map<String, String> values = submitted(ctx);
    Optional<Long> seen = Optional.ofNullable(ctx.formParam("version")).flatMap(UiRoutes::parseLong);
    try {
      service.update(id, TargetRequest.fromForm(ctx.formParamMap()), seen);
      ctx.redirect("/targets/" + id, io.javalin.http.HttpStatus.SEE_OTHER);
    } catch (ValidationException | UnavailableException | PreconditionFailedException e) {
      TargetSpec spec =
          Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> ApiRoutes.notFound(id)).spec();
      List<FieldError> errors = e instanceof ValidationException v ? v.errors() : List.of();
      String banner = e instanceof ValidationException ? "" : e.getMessage();
      renderForm(ctx, ErrorMapper.status(e), Optional.of(spec), values, errors, banner);
    }
  }

  private void delete(Context ctx) {
    String id = ApiRoutes.id(ctx);
    String name = Jdbc.read(dataSource, c -> store.find(c, id)).map(s -> s.spec().name()).orElse(id);
    service.delete(id);
    ctx.redirect("/targets?deleted=" + URLEncoder.encode(name, StandardCharsets.UTF_8), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void renderForm(
      Context ctx, int status, Optional<TargetSpec> existing, Map<String, String> values, List<FieldError> errors, String banner) {
    Map<String, Object> m = model(ctx, existing.map(s -> "Edit " + s.name()).orElse("Add a target"));
    m.put("editing", existing.isPresent());
    m.put("id", existing.map(TargetSpec::id).orElse(""));
    m.put("version", existing.map(s -> Long.toString(s.version())).orElse(""));
    m.put("action", existing.map(s -> "/targets/" + s.id()).orElse("/targets"));
    Map<String, String> v = new LinkedHashMap<>();
    for (String key :
        List.of("name", "url", "intervalPreset", "intervalSeconds", "regex", "mustNotMatch", "expectedStatus", "method",
            "headers", "body", "timeoutSeconds", "maxRedirects", "tags")) {
      v.put(key, values.getOrDefault(key, ""));
    }
    String preset = v.get("intervalPreset");
    if (preset.isEmpty() || (!preset.equals("custom") && TargetValidator.PRESETS.stream().noneMatch(p -> p.toString().equals(preset)))) {
      v.put("intervalPreset", v.get("intervalSeconds").isEmpty() ? "60" : "custom");
    }
    m.put("v", v);
    Map<String, String> fieldErrors = new LinkedHashMap<>();
    v.keySet().forEach(k -> fieldErrors.put(k, ""));
    fieldErrors.put("intervalSeconds", "");
    fieldErrors.putAll(errorsByField(errors));
    m.put("errors", fieldErrors);
    m.put("errorList", errors);
    m.put("banner", banner);
    m.put("presets", presets());
    m.put("methods", List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"));
    ctx.status(status).html(views.render("target_form", m));
  }

  /** Errors by form input: "headers.X-Api-Key" and "tags[2]" belong to the headers and tags inputs. */
  static Map<String, String> errorsByField(List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    for (FieldError e : errors) {
      String field = e.field();
      int cut = field.length();
      for (char c : new char[] {'.', '['}) {
        int i = field.indexOf(c);
        if (i > 0) {
          cut = Math.min(cut, i);
        }
      }
      String input = field.substring(0, cut);
      String detail = cut < field.length() ? field.substring(cut).replaceFirst("^\\.", "") + ": " : "";
      out.merge(input, detail + e.message(), (a, b) -> a + "; " + b);
    }
    return out;
  }

  private static Map<String, String> submitted(Context ctx) {
    Map<String, String> values = new LinkedHashMap<>();
    ctx.formParamMap().forEach((k, list) -> values.put(k, list.isEmpty() ? "" : list.get(0)));
    return values;
  }

  static Map<String, String> formValues(TargetSpec s) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", s.name());
    v.put("url", s.url().toString());
    long seconds = s.interval().toSeconds();
    boolean preset = TargetValidator.PRESETS.contains(seconds);
    v.put("intervalPreset", preset ? Long.toString(seconds) : "custom");
    v.put("intervalSeconds", Long.toString(seconds));
    v.put("regex", s.mustMatch().orElse(""));
    v.put("mustNotMatch", s.mustNotMatch().orElse(""));
    v.put("expectedStatus", s.expectedStatus().format());
    v.put("method", s.method());
    v.put(
        "headers",
        TargetValidator.masked(s.headers()).entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining("\n")));
    v.put("body", s.body().orElse(""));
    double timeout = s.timeout().toMillis() / 1000.0;
    v.put("timeoutSeconds", timeout == Math.rint(timeout) ? Long.toString((long) timeout) : Double.toString(timeout));
    v.put("maxRedirects", Integer.toString(s.maxRedirects()));
    v.put("tags", String.join(", ", s.tags()));
    return v;
  }

  // ---------------------------------------------------------------- target page

  private void detail(Context ctx) {
    String id = ApiRoutes.id(ctx);
    StoredTarget stored = Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> ApiRoutes.notFound(id));
    TargetSpec s = stored.spec();
    String window = Optional.ofNullable(ctx.queryParam("window")).orElse("24h");
    if (!ChartSeries.WINDOWS.containsKey(window)) {
      window = "24h";
    }
    Optional<String> location =
        Optional.ofNullable(ctx.queryParam("location")).filter(l -> l.matches("[A-Za-z0-9_-]{1,64}"));
    boolean downOnly = "DOWN".equals(ctx.queryParam("outcome"));
    Instant now = results.now();

    Map<String, Object> m = model(ctx, s.name());
    m.put("t", TargetView.of(s, stored.createdAt()));
    m.put("interval", Format.interval(s.interval().toSeconds()));
    m.put("timeout", Format.millis((double) s.timeout().toMillis()));
    m.put("headerNames", s.headers().keySet());
    m.put("window", window);
    m.put("windows", List.copyOf(ChartSeries.WINDOWS.keySet()));
    m.put("location", location.orElse(""));
    m.put("downOnly", downOnly);
    m.put("seriesUrl", "/api/v1/targets/" + id + "/series?window=" + window + location.map(l -> "&location=" + l).orElse(""));

    List<Map<String, Object>> windowStats = new ArrayList<>();
    TargetStats.Stats day = null;
    for (String w : List.of("24h", "7d", "30d")) {
      TargetStats.Stats st = results.stats(id, w);
      if (day == null) {
        day = st;
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("window", w);
      r.put("checks", st.checks());
      r.put("down", st.down());
      r.put("uptime", Format.percent(st.uptimePercent()));
      r.put("p50", Format.millis(st.responseMs().p50()));
      r.put("p95", Format.millis(st.responseMs().p95()));
      r.put("p99", Format.millis(st.responseMs().p99()));
      r.put("exact", st.exact());
      windowStats.add(r);
    }
    m.put("windowStats", windowStats);
    List<Map<String, Object>> locations = new ArrayList<>();
    for (TargetStats.LocationStats l : day.locations()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", l.location());
      r.put("status", l.currentStatus() == null ? "unknown" : l.currentStatus().toLowerCase(Locale.ROOT));
      r.put("lastCheck", Format.ago(l.lastCheckAt(), now));
      r.put("lastReason", l.lastReason() == null ? "" : l.lastReason());
      r.put("uptime", Format.percent(l.uptimePercent()));
      r.put("p50", Format.millis(l.responseMs().p50()));
      r.put("p95", Format.millis(l.responseMs().p95()));
      r.put("p99", Format.millis(l.responseMs().p99()));
      r.put("checks", l.checks());
      locations.add(r);
    }
    m.put("locations", locations);
    m.put("reasons", day.recentDownReasons());

    ResultPages.ResultPage recent =
        results.results(id, now.minus(Duration.ofDays(7)), now.plusSeconds(1), 50, Optional.empty(), location,
            downOnly ? Optional.of("DOWN") : Optional.empty());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ResultPages.ResultItem r : recent.items()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("time", Format.utc(r.startedAt()));
      row.put("ago", Format.ago(r.startedAt(), now));
      row.put("location", r.location());
      row.put("outcome", r.outcome().toLowerCase(Locale.ROOT));
      row.put("outcomeText", r.outcome());
      row.put("reason", r.reason() == null ? "" : r.reason());
      row.put("status", r.statusCode() == null ? "–" : r.statusCode().toString());
      row.put("total", Format.millis(r.totalMs()));
      row.put("detail", r.detail() == null ? "" : r.detail());
      rows.add(row);
    }
    m.put("results", rows);
    ctx.html(views.render("target", m));
  }

  // ---------------------------------------------------------------- helpers

  private static void requireLogin(Context ctx) {
    if (Access.caller(ctx).kind() != Access.Kind.SESSION) {
      throw new UnauthorizedException("Please log in to change targets.");
    }
  }

  private Map<String, Object> model(Context ctx, String title) {
    Access.Caller caller = Access.caller(ctx);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", title);
    m.put("loggedIn", caller.kind() == Access.Kind.SESSION);
    m.put("csrf", caller.csrfToken().orElse(""));
    m.put("path", ctx.path());
    return m;
  }

  private static Optional<Long> parseLong(String s) {
    try {
      return Optional.of(Long.parseLong(s.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
