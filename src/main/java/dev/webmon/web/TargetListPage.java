package dev.webmon.web;

import dev.webmon.store.TargetList;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the targets list ({@code targets.peb}, as {@code list}) shows: a page of targets with their
 * figures, the filter as entered, and the links to sort and to turn pages.
 *
 * @param statusFilter the status filtered on ("up", "down", ...), or ""
 * @param interval the interval filtered on in seconds, or ""
 * @param sortLinks the list URL of every sortable column (a second click reverses the order)
 * @param prevUrl the previous page, or "" on the first
 * @param nextUrl the next page, or "" on the last
 * @param deleted the name of the target just deleted, or ""
 * @param filterError what was wrong with the filter (the first page is shown instead), or ""
 */
record TargetListPage(
    List<Row> rows,
    long total,
    int page,
    int pages,
    String q,
    String statusFilter,
    String tag,
    String interval,
    String sort,
    List<TargetForm.Preset> presets,
    Map<String, String> sortLinks,
    String prevUrl,
    String nextUrl,
    String deleted,
    String filterError) {

  /**
   * A target of the list.
   *
   * @param status the CSS class ("up", "down", "degraded", "unknown"); {@code statusText} is shown
   * @param spark the sparkline's polylines
   * @param incidentUrl the page of the target's open availability incident, or ""
   */
  record Row(
      String id,
      String name,
      String url,
      String interval,
      List<String> tags,
      String status,
      String statusText,
      String lastCheck,
      String lastCheckUtc,
      String uptime24h,
      String uptime7d,
      String uptime30d,
      String p95,
      List<String> spark,
      String incidentUrl) {
    static Row of(TargetList.Row row, Instant now) {
      return new Row(
          row.id(),
          row.name(),
          row.url(),
          Format.interval(row.intervalSeconds()),
          row.tags(),
          row.status().name().toLowerCase(Locale.ROOT),
          TargetListPage.statusText(row),
          Format.ago(row.lastCheckAt(), now),
          Format.utc(row.lastCheckAt()),
          Format.percent(row.uptime24h()),
          Format.percent(row.uptime7d()),
          Format.percent(row.uptime30d()),
          Format.millis(row.p95Ms24h()),
          Format.sparkline(row.sparklineMs(), 96, 24),
          row.incident() == null ? "" : "/incidents/" + row.incident().id());
    }
  }

  TargetListPage {
    rows = List.copyOf(rows);
    presets = List.copyOf(presets);
    sortLinks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sortLinks));
  }

  /**
   * The list of a page of targets.
   *
   * @param filter the filter {@code page} was read with
   * @param deleted the name of the target just deleted, or ""
   * @param filterError what was wrong with the filter the client sent, or ""
   */
  static TargetListPage of(TargetList.Filter filter, TargetList.Page page, Instant now, String deleted, String filterError) {
    return new TargetListPage(
        page.items().stream().map(r -> Row.of(r, now)).toList(),
        page.total(),
        page.page(),
        page.pages(),
        filter.text().orElse(""),
        filter.status().map(s -> s.name().toLowerCase(Locale.ROOT)).orElse(""),
        filter.tag().orElse(""),
        filter.intervalSeconds().map(String::valueOf).orElse(""),
        filter.sort(),
        TargetForm.PRESETS,
        sortLinks(filter),
        page.page() > 1 ? listUrl(filter, filter.sort(), page.page() - 1) : "",
        page.page() < page.pages() ? listUrl(filter, filter.sort(), page.page() + 1) : "",
        deleted,
        filterError);
  }

  private static String statusText(TargetList.Row row) {
    if (row.incident() != null && !row.incident().severity().equals("certificate")) {
      return row.incident().severity().replace('-', ' ') + " (open incident)";
    }
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
  private static String listUrl(TargetList.Filter f, String sort, int page) {
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
}
