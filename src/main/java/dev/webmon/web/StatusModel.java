package dev.webmon.web;

import dev.webmon.store.DailyUptime;
import dev.webmon.store.StatusPages;
import dev.webmon.store.StatusPosts;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a status page shows, computed once from the stored page, its components, the daily uptime
 * of their targets, the incidents of their targets and the manual posts; HTML, JSON and the Atom
 * feed are all rendered from it. Holds no target's URL unless the page opts in, and nothing else of
 * a target (no name, header, body or pattern): components carry the page's display names. Immutable.
 */
record StatusModel(
    StatusPages.Page page,
    String state,
    List<ComponentView> components,
    List<PostView> active,
    List<PostView> history,
    Instant generatedAt,
    StatusMaintenance maintenance) {
  static final int DAYS = 90;

  StatusModel {
    components = List.copyOf(components);
    active = List.copyOf(active);
    history = List.copyOf(history);
  }

  /**
   * A component's current state, from the open incidents of its targets; {@code MAINTENANCE} when
   * none of them has one and an active maintenance window covers one of them.
   */
  enum State {
    OPERATIONAL("operational", "Operational"),
    DEGRADED("degraded", "Degraded performance"),
    PARTIAL_OUTAGE("partial_outage", "Partial outage"),
    MAJOR_OUTAGE("major_outage", "Major outage"),
    MAINTENANCE("maintenance", "Under maintenance");

    final String wire;
    final String label;

    State(String wire, String label) {
      this.wire = wire;
      this.label = label;
    }
  }

  /**
   * One day of the 90-day bar: uptime in percent (empty without checks), a colour class and the
   * hover text. {@code maintenance}: some of the day's checks were flagged maintenance; then {@code
   * uptimeExcludingMaintenance} is the uptime over the others (empty when every check was).
   */
  record Day(
      String date, Optional<Double> uptime, int incidents, String level, String tooltip, boolean maintenance,
      Optional<Double> uptimeExcludingMaintenance) {}

  /** Uptime in percent per window; empty without checks. */
  record Uptime(Optional<Double> day, Optional<Double> week, Optional<Double> month, Optional<Double> quarter) {
    public String dayText() {
      return StatusFormats.percent(day);
    }

    public String weekText() {
      return StatusFormats.percent(week);
    }

    public String monthText() {
      return StatusFormats.percent(month);
    }

    public String quarterText() {
      return StatusFormats.percent(quarter);
    }
  }

  /** {@code uptimeExcludingMaintenance}: the same windows over the checks not flagged maintenance. */
  record ComponentView(
      String name, String state, String stateLabel, List<Day> days, Uptime uptime, List<String> urls,
      Uptime uptimeExcludingMaintenance) {
    ComponentView {
      days = List.copyOf(days);
      urls = List.copyOf(urls);
    }
  }

  /** One entry of a post's timeline; {@code html} is safe HTML (rendered Markdown or escaped text). */
  record Entry(String status, Instant at, String text, String html) {
    public String atText() {
      return StatusFormats.shown(at);
    }
  }

  /** A post: manual ({@code kind = "manual"}) or an incident of the page's targets ({@code "incident"}). */
  record PostView(String id, String kind, String title, String status, boolean active, Instant createdAt, Instant updatedAt, List<Entry> updates) {
    PostView {
      updates = List.copyOf(updates);
    }
  }

  static StatusModel build(
      StatusPages.Page page,
      List<StatusPages.Component> components,
      List<StatusPages.PageTarget> stored,
      List<DailyUptime.Tally> days,
      List<DailyUptime.Tally> last24,
      List<StatusPosts.PageIncident> incidents,
      List<StatusPosts.Post> posts,
      StatusMaintenance maintenance,
      Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Map<String, String> urls = new HashMap<>();
    stored.forEach(t -> urls.put(t.id(), t.url()));
    Map<String, Map<LocalDate, DailyUptime.Tally>> byTarget = new HashMap<>();
    days.forEach(t -> byTarget.computeIfAbsent(t.targetId(), k -> new HashMap<>()).put(t.day(), t));
    Map<String, DailyUptime.Tally> dayOf = new HashMap<>();
    last24.forEach(t -> dayOf.put(t.targetId(), t));
    Map<String, List<StatusPosts.PageIncident>> incidentsOf = new HashMap<>();
    incidents.forEach(i -> incidentsOf.computeIfAbsent(i.targetId(), k -> new ArrayList<>()).add(i));
    Map<String, String> componentOf = new LinkedHashMap<>();
    List<ComponentView> views = new ArrayList<>();
    State worst = State.OPERATIONAL;
    for (StatusPages.Component c : components) {
      List<String> targets = c.targetIds().stream().filter(urls::containsKey).toList();
      targets.forEach(t -> componentOf.putIfAbsent(t, c.name()));
      List<StatusPosts.PageIncident> mine = targets.stream().flatMap(t -> incidentsOf.getOrDefault(t, List.of()).stream()).toList();
      State state = state(targets, mine);
      if (state == State.OPERATIONAL && maintenance.covers(targets)) {
        state = State.MAINTENANCE; // an open incident outranks maintenance
      }
      worst = state.ordinal() > worst.ordinal() && state != State.MAINTENANCE ? state : worst;
      List<Day> cells = new ArrayList<>(DAYS);
      ComponentUptime windows = new ComponentUptime();
      for (int i = DAYS - 1; i >= 0; i--) {
        LocalDate d = today.minusDays(i);
        long checks = 0;
        long up = 0;
        long maintenanceChecks = 0;
        long maintenanceUp = 0;
        for (String t : targets) {
          DailyUptime.Tally tally = byTarget.getOrDefault(t, Map.of()).get(d);
          if (tally != null) {
            checks += tally.checks();
            up += tally.upChecks();
            maintenanceChecks += tally.maintenanceChecks();
            maintenanceUp += tally.maintenanceUpChecks();
            windows.addDay(i, tally);
          }
        }
        int count = (int) mine.stream().filter(x -> overlaps(x, d)).count();
        cells.add(day(d, percent(up, checks), count, maintenanceChecks > 0, percent(up - maintenanceUp, checks - maintenanceChecks)));
      }
      targets.stream().filter(dayOf::containsKey).forEach(t -> windows.addLast24Hours(dayOf.get(t)));
      List<String> shown = page.showUrls() ? targets.stream().map(urls::get).toList() : List.of();
      views.add(new ComponentView(c.name(), state.wire, state.label, cells, windows.uptime(), shown, windows.excludingMaintenance()));
    }
    List<PostView> all = new ArrayList<>();
    posts.forEach(p -> all.add(manual(p)));
    incidents.stream().filter(i -> componentOf.containsKey(i.targetId())).forEach(i -> all.add(automatic(i, componentOf.get(i.targetId()))));
    Comparator<PostView> newest = Comparator.comparing(PostView::createdAt).reversed().thenComparing(PostView::id);
    List<PostView> active = all.stream().filter(PostView::active).sorted(newest).toList();
    List<PostView> history = all.stream().filter(p -> !p.active()).sorted(newest).toList();
    if (worst == State.OPERATIONAL && views.stream().anyMatch(v -> v.state().equals(State.MAINTENANCE.wire))) {
      worst = State.MAINTENANCE;
    }
    return new StatusModel(page, worst.wire, views, active, history, now, maintenance);
  }

  /** The overall state's words, for the banner. */
  public String stateLabel() {
    for (State s : State.values()) {
      if (s.wire.equals(state)) {
        return s == State.OPERATIONAL ? "All systems operational" : s.label;
      }
    }
    return state;
  }

  private static State state(List<String> targets, List<StatusPosts.PageIncident> incidents) {
    Set<String> down = new java.util.HashSet<>();
    boolean degraded = false;
    for (StatusPosts.PageIncident i : incidents) {
      if (i.resolvedAt().isEmpty()) {
        if (i.severity().equals("down")) {
          down.add(i.targetId());
        } else {
          degraded = true;
        }
      }
    }
    if (!down.isEmpty()) {
      return down.size() >= targets.size() ? State.MAJOR_OUTAGE : State.PARTIAL_OUTAGE;
    }
    return degraded ? State.DEGRADED : State.OPERATIONAL;
  }

  private static boolean overlaps(StatusPosts.PageIncident i, LocalDate d) {
    Instant start = d.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return i.openedAt().isBefore(end) && i.resolvedAt().map(r -> r.isAfter(start)).orElse(true);
  }

  /** {@code excluding} counts only when {@code maintenance} (the day had checks flagged maintenance). */
  private static Day day(LocalDate d, Optional<Double> uptime, int incidents, boolean maintenance, Optional<Double> excluding) {
    String level =
        uptime.map(u -> u >= 99.9 ? "ok" : u >= 99.0 ? "minor" : u >= 95.0 ? "major" : "down").orElse("none");
    String text =
        d + ": " + uptime.map(u -> StatusFormats.floor2(u) + " % up").orElse("no data")
            + (maintenance ? ", " + (excluding.isEmpty() ? "only maintenance checks" : StatusFormats.percent(excluding) + " excluding maintenance") : "")
            + (incidents == 0 ? ", no incidents" : incidents == 1 ? ", 1 incident" : ", " + incidents + " incidents");
    return new Day(d.toString(), uptime, incidents, level, text, maintenance, maintenance ? excluding : Optional.empty());
  }

  private static Optional<Double> percent(long up, long checks) {
    return ComponentUptime.percent(up, checks);
  }

  private static PostView manual(StatusPosts.Post p) {
    List<Entry> entries =
        p.updates().stream().map(u -> new Entry(u.status(), u.at(), u.body(), Markdown.html(u.body()))).toList();
    return new PostView("post-" + p.id(), "manual", p.title(), p.status(), p.active(), p.createdAt(), p.updatedAt(), entries);
  }

  private static PostView automatic(StatusPosts.PageIncident i, String component) {
    String what = i.severity().equals("down") ? "Outage" : "Degraded performance";
    List<Entry> entries = new ArrayList<>();
    entries.add(text("investigating", i.openedAt(), what + " of " + component + " detected by monitoring."));
    i.acknowledgedAt().ifPresent(a -> entries.add(text("identified", a, "The team is working on it.")));
    i.resolvedAt().ifPresent(r -> entries.add(text("resolved", r, component + " is operational again.")));
    boolean active = i.resolvedAt().isEmpty();
    String status = active ? (i.acknowledgedAt().isPresent() ? "identified" : "investigating") : "resolved";
    Instant updated = entries.get(entries.size() - 1).at();
    return new PostView("incident-" + i.id(), "incident", what + ": " + component, status, active, i.openedAt(), updated, entries);
  }

  private static Entry text(String status, Instant at, String text) {
    return new Entry(status, at, text, "<p>" + escape(text) + "</p>");
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
