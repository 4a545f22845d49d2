package dev.webmon.web;

import dev.webmon.event.Outcome;
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
  private final Views views;
  private final DataSource dataSource;
  private final TargetStore store;
  private final ResultQueries results;

  ResultRoutes(Views views, DataSource dataSource, TargetStore store, ResultQueries results) {
    this.views = views;
    this.dataSource = dataSource;
    this.store = store;
    this.results = results;
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
        RouteParams.param(ctx, "limit").map(s -> RouteParams.intParam("limit", s, 1, ResultQueries.MAX_RESULTS_PAGE)).orElse(100);
    Optional<Outcome> outcome = RouteParams.outcome(ctx);
    Json.send(
        ctx,
        200,
        results.results(
            id, range.from(), range.to(), limit, RouteParams.param(ctx, "cursor"), RouteParams.location(ctx),
            outcome.map(Outcome::name)));
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
      Duration length = ResultQueries.SERIES_WINDOWS.get(window.get());
      if (length == null) {
        throw new ValidationException("window", "must be one of " + String.join(", ", ResultQueries.SERIES_WINDOWS.keySet()));
      }
      Instant to = results.now();
      range = new RouteParams.TimeRange(to.minus(length), to);
    } else {
      range = RouteParams.range(ctx, results.now());
    }
    Json.send(
        ctx,
        200,
        results.series(id, range.from(), range.to(), RouteParams.location(ctx)).orElseThrow(() -> RouteParams.notFound(id)));
  }

  /** The target page; a window or location it cannot show falls back to the default. */
  private void page(Context ctx) {
    String id = RouteParams.targetId(ctx);
    TargetStore.Stored stored =
        Db.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> RouteParams.notFound(id));
    String window = ctx.queryParam("window");
    if (window == null || !ResultQueries.SERIES_WINDOWS.containsKey(window)) {
      window = "24h";
    }
    Optional<String> location = Optional.ofNullable(ctx.queryParam("location")).filter(RouteParams::isLocationName);
    boolean downOnly = Outcome.DOWN.name().equals(ctx.queryParam("outcome"));
    Instant now = results.now();
    List<ResultQueries.Stats> stats = TargetPage.STATS_WINDOWS.stream().map(w -> results.stats(id, w)).toList();
    ResultQueries.ResultPage recent =
        results.results(
            id, now.minus(Duration.ofDays(7)), now.plusSeconds(1), 50, Optional.empty(), location,
            downOnly ? Optional.of(Outcome.DOWN.name()) : Optional.empty());
    Map<String, Object> model = Views.page(ctx, stored.spec().name());
    model.put("view", TargetPage.of(stored, window, location.orElse(""), downOnly, stats, recent, now));
    ctx.html(views.render("target", model));
  }

  private String existingId(Context ctx) {
    String id = RouteParams.targetId(ctx);
    if (!Db.read(dataSource, c -> store.exists(c, id))) {
      throw RouteParams.notFound(id);
    }
    return id;
  }
}
