package dev.webmon.web;

import dev.webmon.store.ChartSeries;
import dev.webmon.store.ResultPages;
import dev.webmon.store.TargetStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The web's reads of check results: checks the request's values (a bad one is a {@link
 * ValidationException} naming the parameter) and asks the store's query for raw results, stats
 * or the chart series. Thread-safe.
 */
final class ResultReads {
  private final ResultPages pages;
  private final TargetStats stats;
  private final ChartSeries series;
  private final Clock clock;

  ResultReads(DataSource dataSource, Clock clock) {
    this.pages = new ResultPages(dataSource);
    this.stats = new TargetStats(dataSource, clock);
    this.series = new ChartSeries(dataSource);
    this.clock = clock;
  }

  Instant now() {
    return clock.instant();
  }

  /** The page of results {@code q} asks for; a limit out of range names the parameter. */
  ResultPages.ResultPage results(ResultPages.Query q) {
    if (q.limit() < 1 || q.limit() > ResultPages.MAX_LIMIT) {
      throw new ValidationException("limit", "must be from 1 to " + ResultPages.MAX_LIMIT);
    }
    return pages.results(q);
  }

  /** The position a previous page's {@code nextCursor} stands for. */
  static ResultPages.Cursor cursor(String text) {
    return ResultPages.Cursor.parse(text)
        .filter(c -> RouteParams.isQueryable(c.startedAt()))
        .orElseThrow(() -> new ValidationException("cursor", "is not a cursor returned by this API"));
  }

  /** Stats of a target over the window ending now: "1h", "24h", "7d" or "30d". */
  TargetStats.Stats stats(String targetId, String window) {
    if (!TargetStats.WINDOWS.containsKey(window)) {
      throw new ValidationException("window", "must be one of 1h, 24h, 7d, 30d");
    }
    return stats.stats(targetId, window);
  }

  /** The chart of a target (of one location's results if {@code location} is not empty), or empty if there is no such target. */
  Optional<ChartSeries.Series> series(String targetId, Instant from, Instant to, String location) {
    Duration range = Duration.between(from, to);
    if (range.isNegative() || range.isZero()) {
      throw new ValidationException("from", "must be before 'to'");
    }
    if (range.compareTo(ChartSeries.MAX_RANGE) > 0) {
      throw new ValidationException("from", "the range may span at most 400 days");
    }
    return location.isEmpty() ? series.series(targetId, from, to) : series.series(targetId, from, to, location);
  }
}
