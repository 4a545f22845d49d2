package dev.webmon.web;

import dev.webmon.event.TargetSpec;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * The targets in the server-rendered UI: the list, the views by frequency, and adding, editing and
 * deleting a target. Every value reaches the HTML through Pebble's auto-escaping; forms carry the
 * session's CSRF token (checked by {@link Access}). The target page is {@link ResultRoutes}'.
 */
final class TargetPageRoutes {
  private final Views views;
  private final DataSource dataSource;
  private final TargetService service;
  private final TargetStore store;
  private final TargetQueries targets;
  private final ResultQueries results;

  TargetPageRoutes(
      Views views, DataSource dataSource, TargetService service, TargetStore store, TargetQueries targets, ResultQueries results) {
    this.views = views;
    this.dataSource = dataSource;
    this.service = service;
    this.store = store;
    this.targets = targets;
    this.results = results;
  }

  void register(RoutesConfig r) {
    r.get("/targets", this::list);
    r.get("/targets/new", this::newForm);
    r.post("/targets", this::create);
    r.get("/frequencies", this::frequencies);
    r.get("/targets/{id}/edit", this::editForm);
    r.post("/targets/{id}", this::update);
    r.post("/targets/{id}/delete", this::delete);
  }

  // ---------------------------------------------------------------- list

  private void list(Context ctx) {
    TargetQueries.Filter filter;
    Map<String, Object> m = Views.page(ctx, "Targets");
    m.put("filterError", "");
    try {
      filter = RouteParams.targetFilter(ctx);
    } catch (ValidationException e) {
      m.put("filterError", e.getMessage());
      filter = TargetQueries.Filter.firstPage();
    }
    TargetQueries.Page page = targets.list(filter);
    Instant now = results.now();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TargetQueries.Row row : page.items()) {
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
    m.put("presets", TargetForm.PRESETS);
    m.put("sortLinks", sortLinks(filter));
    m.put("prevUrl", page.page() > 1 ? listUrl(filter, filter.sort(), page.page() - 1) : "");
    m.put("nextUrl", page.page() < page.pages() ? listUrl(filter, filter.sort(), page.page() + 1) : "");
    m.put("deleted", Optional.ofNullable(ctx.queryParam("deleted")).orElse(""));
    ctx.html(views.render("targets", m));
  }

  private static String statusText(TargetQueries.Row row) {
    return switch (row.status()) {
      case UP -> "up";
      case DOWN -> "down";
      case DEGRADED -> "down in " + (row.locations() - row.upLocations()) + " of " + row.locations() + " locations";
      case UNKNOWN -> "no result yet";
    };
  }

  private static Map<String, String> sortLinks(TargetQueries.Filter f) {
    Map<String, String> links = new LinkedHashMap<>();
    for (String key : List.of("name", "url", "interval", "status", "lastCheck")) {
      String next = f.sort().equals(key) ? "-" + key : key;
      links.put(key, listUrl(f, next, 1));
    }
    return links;
  }

  /** A list URL with the filter's parameters, percent-encoded. */
  private static String listUrl(TargetQueries.Filter f, String sort, int page) {
    Map<String, String> p = new LinkedHashMap<>();
    f.text().ifPresent(v -> p.put("q", v));
    f.status().ifPresent(v -> p.put("status", v.name().toLowerCase(Locale.ROOT)));
    f.tag().ifPresent(v -> p.put("tag", v));
    f.intervalSeconds().ifPresent(v -> p.put("interval", v.toString()));
    p.put("sort", sort);
    if (page > 1) {
      p.put("page", Integer.toString(page));
    }
    if (f.size() != TargetQueries.DEFAULT_PAGE_SIZE) {
      p.put("size", Integer.toString(f.size()));
    }
    return "/targets?"
        + p.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
  }

  // ---------------------------------------------------------------- frequencies

  private void frequencies(Context ctx) {
    Map<String, Object> m = Views.page(ctx, "Views by frequency");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TargetQueries.Frequency f : targets.frequencies()) {
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

  // ---------------------------------------------------------------- add, edit, delete

  private void newForm(Context ctx) {
    requireLogin(ctx);
    render(ctx, 200, TargetForm.blank());
  }

  private void editForm(Context ctx) {
    requireLogin(ctx);
    render(ctx, 200, TargetForm.editing(stored(RouteParams.targetId(ctx))));
  }

  private void create(Context ctx) {
    Map<String, String> values = submitted(ctx);
    try {
      TargetService.Written w = service.create(TargetRequest.fromForm(ctx.formParamMap()));
      ctx.redirect("/targets/" + w.spec().id(), HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      render(ctx, 400, TargetForm.adding(values, e.errors(), ""));
    } catch (UnavailableException e) {
      render(ctx, 503, TargetForm.adding(values, List.of(), e.getMessage()));
    }
  }

  private void update(Context ctx) {
    String id = RouteParams.targetId(ctx);
    Map<String, String> values = submitted(ctx);
    // The version the form was loaded at: saving over a newer version fails (412).
    Optional<Long> seen = Optional.ofNullable(ctx.formParam("version")).flatMap(RouteParams::parseLong);
    try {
      TargetRequest request = TargetRequest.fromForm(ctx.formParamMap());
      if (seen.isPresent()) {
        service.updateIfAt(id, request, seen.get());
      } else {
        service.update(id, request);
      }
      ctx.redirect("/targets/" + id, HttpStatus.SEE_OTHER);
    } catch (ValidationException | UnavailableException | PreconditionFailedException e) {
      List<FieldError> errors = e instanceof ValidationException v ? v.errors() : List.of();
      String banner = e instanceof ValidationException ? "" : e.getMessage();
      render(ctx, ErrorMapper.status(e), TargetForm.editing(stored(id), values, errors, banner));
    }
  }

  private void delete(Context ctx) {
    String id = RouteParams.targetId(ctx);
    String name = Db.read(dataSource, c -> store.find(c, id)).map(s -> s.spec().name()).orElse(id);
    service.delete(id);
    ctx.redirect("/targets?deleted=" + URLEncoder.encode(name, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
  }

  private TargetSpec stored(String id) {
    return Db.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> RouteParams.notFound(id)).spec();
  }

  private void render(Context ctx, int status, TargetForm form) {
    Map<String, Object> m = Views.page(ctx, form.title());
    m.put("form", form);
    ctx.status(status).html(views.render("target_form", m));
  }

  private static Map<String, String> submitted(Context ctx) {
    Map<String, String> values = new LinkedHashMap<>();
    ctx.formParamMap().forEach((k, list) -> values.put(k, list.isEmpty() ? "" : list.get(0)));
    return values;
  }

  private static void requireLogin(Context ctx) {
    if (Access.caller(ctx).kind() != Access.Kind.SESSION) {
      throw new UnauthorizedException("Please log in to change targets.");
    }
  }
}
