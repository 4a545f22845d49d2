package dev.webmon.store;

import dev.webmon.event.MaintenanceWindow;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Everything a status page's model reads, in one round trip: the statements of {@link
 * StatusPages#components}, {@link StatusPages#targets}, {@link DailyUptime#read}, {@link
 * StatusPosts#incidents}, {@link StatusPosts#list} and {@link MaintenanceWindows#all} sent as one
 * batch (PgJDBC parses, binds and executes each and syncs once), where the targets' ids the later
 * ones need come from the page's components in SQL ({@link #TARGETS}) rather than from the first
 * statement's answer. Every parameter is bound with its type, so PgJDBC never describes the
 * statements and never splits the batch ({@link NamedStatement#executeAll}); the request is a few
 * KB, far below what could fill the socket buffers. On the caller's connection. Stateless and
 * thread-safe.
 */
public final class StatusPageReads {
  /**
   * The page's ({@code :slug}) targets that are stored, as {@code text[]}: the ids the page's model
   * reads after its components.
   */
  static final String TARGETS =
      "ARRAY(SELECT DISTINCT st.target_id FROM status_component sc "
          + "JOIN status_component_target st ON st.component_id = sc.id JOIN target t ON t.id = st.target_id "
          + "WHERE sc.page_slug = :slug)";

  private static final String READ =
      String.join(
          ";\n",
          StatusPages.COMPONENTS,
          StatusPages.TARGETS.formatted(TARGETS),
          DailyUptime.READ.formatted(TARGETS),
          StatusPosts.INCIDENTS.formatted(TARGETS),
          StatusPosts.PAGE_POSTS,
          MaintenanceWindows.ALL);

  private final MaintenanceWindows windows = new MaintenanceWindows();

  /** What {@link #read} gives, each part as the method it replaces gives it. */
  public record Page(
      List<StatusPages.Component> components,
      List<StatusPages.PageTarget> targets,
      DailyUptime.Uptime uptime,
      List<StatusPosts.PageIncident> incidents,
      List<StatusPosts.Post> posts,
      List<MaintenanceWindow> windows) {
    public Page {
      components = List.copyOf(components);
      targets = List.copyOf(targets);
      incidents = List.copyOf(incidents);
      posts = List.copyOf(posts);
      windows = List.copyOf(windows);
    }
  }

  /**
   * The page's components, its stored targets, their {@code days} days of uptime and last 24 hours
   * up to {@code now}, their incidents open at some time since {@code incidentsSince} (at most
   * {@code limit}), the page's posts (at most {@code limit}) and every maintenance window.
   */
  public Page read(Connection c, String slug, int days, Instant incidentsSince, int limit, Instant now) throws SQLException {
    try (NamedStatement ps =
        DailyUptime.bindRead(NamedStatement.prepare(c, READ), days, now)
            .text("slug", slug)
            .timestamptz("from", incidentsSince)
            .integer("limit", limit)
            .integer("offset", 0)) {
      List<StatusPages.Component> components;
      try (ResultSet rs = ps.executeAll()) {
        components = StatusPages.components(rs);
      }
      List<StatusPages.PageTarget> targets;
      try (ResultSet rs = ps.nextResult()) {
        targets = StatusPages.targets(rs);
      }
      DailyUptime.Uptime uptime;
      try (ResultSet rs = ps.nextResult()) {
        uptime = DailyUptime.read(rs, now);
      }
      List<StatusPosts.PageIncident> incidents;
      try (ResultSet rs = ps.nextResult()) {
        incidents = StatusPosts.incidents(rs);
      }
      List<StatusPosts.Post> posts;
      try (ResultSet rs = ps.nextResult()) {
        posts = StatusPosts.posts(rs);
      }
      try (ResultSet rs = ps.nextResult()) {
        return new Page(components, targets, uptime, incidents, posts, windows.all(rs));
      }
    }
  }
}
