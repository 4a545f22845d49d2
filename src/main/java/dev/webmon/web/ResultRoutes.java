package dev.webmon.web;

import dev.webmon.event.Outcome;
import dev.webmon.store.ChartSeries;
import dev.webmon.store.IncidentReads;
import dev.webmon.store.Jdbc;
import dev.webmon.store.ResultPages;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetStats;
import dev.webmon.store.Targets;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The results of a target: raw results, stats and the chart series in the API, and the target
 * page, which is mostly its results.
 */
final class ResultRoutes {
  /** Incidents in the target page's history. */
  static final int TARGET_INCIDENTS = 20;

  private final Views views;
  private final DataSource dataSource;
  private final Targets store;
  private final ResultReads results;
  private final IncidentReads incidents;

  ResultRoutes(Views views, DataSource dataSource, Targets store, ResultReads results, IncidentReads incidents) {
    this.views = views;
    this.dataSource = dataSource;
    this.store = store;
    this.results = results;
    this.incidents = incidents;
  }

  /** Registers the page after the target pages, so that {@code /targets/new} is not an id. */
  void register(Routes r) {
    r.get(RouteParams.API + "/targets/{id}/results", Access.Rule.READ, this::results);
    r.get(RouteParams.API + "/targets/{id}/stats", Access.Rule.READ, this::stats);
    r.get(RouteParams.API + "/targets/{id}/series", Access.Rule.READ, this::series);
    r.get("/targets/{id}", Access.Rule.READ, this::page);
  }

  private void results(Context ctx) {
    String id = existingId(ctx);
    RouteParams.TimeRange range = RouteParams.range(ctx, results.now());
    if (!range.from().isBefore(range.to())) {
      throw new ValidationException("from", "must be before 'to'");
    }
    int limit =
        RouteParams.param(ctx, "limit").map(s -> RouteParams.intParam("limit", s, 1, ResultPages.MAX_LIMIT)).orElse(100);
    ResultPages.Query q = ResultPages.Query.of(id, range.from(), range.to(), limit);
    Optional<String> cursor = RouteParams.param(ctx, "cursor");
    if (cursor.isPresent()) {
      q = q.after(ResultReads.cursor(cursor.get()));
    }
    Optional<String> location = RouteParams.location(ctx);
    if (location.isPresent()) {
      q = q.location(location.get());
    }
    Optional<Outcome> outcome = RouteParams.outcome(ctx);
    if (outcome.isPresent()) {
      q = q.outcome(outcome.get());
    }
    Json.send(ctx, 200, results.results(q));
  }

  private void stats(Context ctx) {
    String id = existingId(ctx);
    Json.send(ctx, 200, results.stats(id, RouteParams.param(ctx, "window").orElse("24h")));
  }

  private void series(Context ctx) {
    String id = RouteParams.targetId(ctx);
    RouteParams.TimeRange range;
    Optional<String> window = RouteParams.param(ctx, "window");
    if (window.isPresent()) {
      Duration length = ChartSeries.WINDOWS.get(window.get());
      if (length == null) {
        throw new ValidationException("window", "must be one of " + String.join(", ", ChartSeries.WINDOWS.keySet()));
      }
      Instant to = results.now();
      range = new RouteParams.TimeRange(to.minus(length), to);
    } else {
      range = RouteParams.range(ctx, results.now());
    }
    Json.send(
        ctx,
        200,
        results.series(id, range.from(), range.to(), RouteParams.location(ctx).orElse("")).orElseThrow(() -> RouteParams.notFound(id)));
  }

  /** The target page; a window or location it cannot show falls back to the default. */
  private void page(Context ctx) {
    String id = RouteParams.targetId(ctx);
    StoredTarget stored =
        Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> RouteParams.notFound(id));
    String window = ctx.queryParam("window");
    if (window == null || !ChartSeries.WINDOWS.containsKey(window)) {
      window = "24h";
    }
    Optional<String> location = Optional.ofNullable(ctx.queryParam("location")).filter(RouteParams::isLocationName);
    boolean downOnly = Outcome.DOWN.name().equals(ctx.queryParam("outcome"));
    Instant now = results.now();
    List<TargetStats.Stats> stats = TargetPage.STATS_WINDOWS.stream().map(w -> results.stats(id, w)).toList();
    ResultPages.Query q = ResultPages.Query.of(id, now.minus(Duration.ofDays(7)), now.plusSeconds(1), 50);
    if (location.isPresent()) {
      q = q.location(location.get());
    }
    ResultPages.ResultPage recent = results.results(downOnly ? q.outcome(Outcome.DOWN) : q);
    Map<String, Object> model = Views.page(ctx, stored.spec().name());
    model.put("view", TargetPage.of(stored, window, location.orElse(""), downOnly, stats, recent, now));
    // Its incidents, open ones first: the open one is the page's banner, all of them its history.
    IncidentReads.Page history = incidents.list(IncidentReads.Query.first(TARGET_INCIDENTS).target(id));
    model.put("incidents", history.items().stream().map(i -> IncidentPage.Row.of(i, now)).toList());
    model.put("openIncidents", history.items().stream().filter(i -> !i.resolved()).map(i -> IncidentPage.Row.of(i, now)).toList());
    ctx.html(views.render("target", model));
  }

  private String existingId(Context ctx) {
    String id = RouteParams.targetId(ctx);
    if (!Jdbc.read(dataSource, c -> store.exists(c, id))) {
      throw RouteParams.notFound(id);
    }
    return id;
  }
}
