package dev.webmon.web;

import dev.webmon.event.TargetSpec;
import dev.webmon.store.ChartSeries;
import dev.webmon.store.ResultPages;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetStats;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the target page ({@code target.peb}, as {@code view}) shows: the target, its figures per
 * window and per location, the DOWN reasons of the last 24 hours and the recent results, every
 * value formatted for display.
 *
 * @param location the location the page is narrowed to, or "" for all
 * @param seriesUrl where the page's script fetches the chart
 */
record TargetPage(
    TargetView target,
    String interval,
    String timeout,
    List<String> headerNames,
    String window,
    List<String> windows,
    String location,
    boolean downOnly,
    String seriesUrl,
    List<WindowRow> windowStats,
    List<LocationRow> locations,
    Map<String, Long> reasons,
    List<ResultRow> results) {

  /** The windows of the figures table, in order; the first one's figures fill the rest. */
  static final List<String> STATS_WINDOWS = List.of("24h", "7d", "30d");

  /** A row of the figures table. */
  record WindowRow(String window, long checks, long down, String uptime, String p50, String p95, String p99, boolean exact) {
    static WindowRow of(TargetStats.Stats s) {
      TargetStats.Latency ms = s.responseMs();
      return new WindowRow(
          s.window(), s.checks(), s.down(), Format.percent(s.uptimePercent()), Format.millis(ms.p50()), Format.millis(ms.p95()),
          Format.millis(ms.p99()), s.exact());
    }
  }

  /** A row of the locations table (last 24 hours). */
  record LocationRow(
      String name, String status, String lastCheck, String lastReason, String uptime, String p50, String p95, String p99,
      long checks) {
    static LocationRow of(TargetStats.LocationStats l, Instant now) {
      TargetStats.Latency ms = l.responseMs();
      return new LocationRow(
          l.location(),
          l.currentStatus() == null ? "unknown" : l.currentStatus().toLowerCase(Locale.ROOT),
          Format.ago(l.lastCheckAt(), now),
          l.lastReason() == null ? "" : l.lastReason(),
          Format.percent(l.uptimePercent()),
          Format.millis(ms.p50()),
          Format.millis(ms.p95()),
          Format.millis(ms.p99()),
          l.checks());
    }
  }

  /**
   * A row of the recent results.
   *
   * @param outcome the CSS class ("up", "down"); {@code outcomeText} is shown
   * @param maintenance a maintenance window covered the target when the check ran
   */
  record ResultRow(
      String time, String ago, String location, String outcome, String outcomeText, String reason, String status, String total,
      String detail, boolean maintenance) {
    static ResultRow of(ResultPages.ResultItem r, Instant now) {
      return new ResultRow(
          Format.utc(r.startedAt()),
          Format.ago(r.startedAt(), now),
          r.location(),
          r.outcome().name().toLowerCase(Locale.ROOT),
          r.outcome().name(),
          r.reason() == null ? "" : r.reason(),
          r.statusCode() == null ? "–" : r.statusCode().toString(),
          Format.millis(r.totalMs()),
          r.detail() == null ? "" : r.detail(),
          r.maintenance());
    }
  }

  TargetPage {
    headerNames = List.copyOf(headerNames);
    windows = List.copyOf(windows);
    windowStats = List.copyOf(windowStats);
    locations = List.copyOf(locations);
    results = List.copyOf(results);
  }

  /**
   * The page of a stored target.
   *
   * @param window the chart window, a key of {@link ResultReads#SERIES_WINDOWS}
   * @param location the location to narrow to, or "" for all
   * @param stats the target's figures over {@link #STATS_WINDOWS}, in that order
   * @param recent the recent results (of {@code location}, DOWN only if {@code downOnly})
   */
  static TargetPage of(
      StoredTarget stored,
      String window,
      String location,
      boolean downOnly,
      List<TargetStats.Stats> stats,
      ResultPages.ResultPage recent,
      Instant now) {
    TargetSpec s = stored.spec();
    TargetStats.Stats day = stats.get(0);
    return new TargetPage(
        TargetView.of(s, stored.createdAt()),
        Format.interval(s.interval().toSeconds()),
        Format.millis((double) s.timeout().toMillis()),
        List.copyOf(s.headers().keySet()),
        window,
        List.copyOf(ChartSeries.WINDOWS.keySet()),
        location,
        downOnly,
        RouteParams.API + "/targets/" + s.id() + "/series?window=" + window + (location.isEmpty() ? "" : "&location=" + location),
        stats.stream().map(WindowRow::of).toList(),
        day.locations().stream().map(l -> LocationRow.of(l, now)).toList(),
        day.recentDownReasons(),
        recent.items().stream().map(r -> ResultRow.of(r, now)).toList());
  }
}
