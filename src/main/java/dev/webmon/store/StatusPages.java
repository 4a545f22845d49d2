package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status pages and their components ({@code status_page}, {@code status_component},
 * {@code status_component_target}, migration V18), written by the web app. The caller validates
 * the values (the table's checks are the last line). On the caller's connection and transaction.
 * Stateless and thread-safe.
 */
public final class StatusPages {
  private static final String COLUMNS =
      "slug, title, description, visibility, show_urls, logo_type, updated_at";

  /** The page's components in order (position, then id); {@code :slug} names the page. */
  static final String COMPONENTS =
      "SELECT sc.id, sc.name, sc.position, st.target_id FROM status_component sc "
          + "LEFT JOIN status_component_target st ON st.component_id = sc.id "
          + "WHERE sc.page_slug = :slug ORDER BY sc.position, sc.id, st.target_id";

  /** The stored targets among an array of ids ({@code %s}: a {@code text[]} expression), by id. */
  static final String TARGETS = "SELECT id, url, tags FROM target WHERE id = ANY(%s) ORDER BY id";

  private static final String TARGETS_BY_ID = TARGETS.formatted(":ids");

  /** A page; {@code logoType} is "" without a logo. */
  public record Page(
      String slug, String title, String description, String visibility, boolean showUrls, String logoType, Instant updatedAt) {
    public boolean hasLogo() {
      return !logoType.isEmpty();
    }
  }

  /** A component: its display name, position and targets (ids, sorted). */
  public record Component(long id, String name, int position, List<String> targetIds) {
    public Component {
      targetIds = List.copyOf(targetIds);
    }
  }

  /**
   * A target of a page as a page may show it: id, and its URL (shown only when the page opts in);
   * its tags say which maintenance windows cover it (never shown).
   */
  public record PageTarget(String id, String url, List<String> tags) {
    public PageTarget {
      tags = List.copyOf(tags);
    }
  }

  /** Every page, by slug. */
  public List<Page> all(Connection c) throws SQLException {
    List<Page> out = new ArrayList<>();
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM status_page ORDER BY slug");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(page(rs));
      }
    }
    return out;
  }

  public Optional<Page> find(Connection c, String slug) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM status_page WHERE slug = :slug").text("slug", slug);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(page(rs)) : Optional.empty();
    }
  }

  /** Inserts a page; false when the slug is taken. The logo is set by {@link #setLogo}. */
  public boolean insert(Connection c, Page p) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            "INSERT INTO status_page (slug, title, description, visibility, show_urls, updated_at) "
                + "VALUES (:slug, :title, :description, :visibility, :showUrls, :at) ON CONFLICT (slug) DO NOTHING")) {
      return bind(ps, p).executeUpdate() == 1;
    }
  }

  /** Replaces a page's fields (not its logo); false when there is no such page. */
  public boolean update(Connection c, Page p) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            "UPDATE status_page SET title = :title, description = :description, visibility = :visibility, "
                + "show_urls = :showUrls, updated_at = :at WHERE slug = :slug")) {
      return bind(ps, p).executeUpdate() == 1;
    }
  }

  /** Sets (type and bytes) or, with an empty type, removes the logo. */
  public void setLogo(Connection c, String slug, String type, byte[] bytes, Instant at) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "UPDATE status_page SET logo = :logo, logo_type = :type, updated_at = :at WHERE slug = :slug")
            .bytes("logo", type.isEmpty() ? null : bytes)
            .text("type", type.isEmpty() ? null : type)
            .timestamp("at", at)
            .text("slug", slug)) {
      ps.executeUpdate();
    }
  }

  /** The logo's bytes, if the page has one. */
  public Optional<byte[]> logo(Connection c, String slug) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT logo FROM status_page WHERE slug = :slug AND logo IS NOT NULL").text("slug", slug);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getBytes("logo")) : Optional.empty();
    }
  }

  public boolean delete(Connection c, String slug) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "DELETE FROM status_page WHERE slug = :slug").text("slug", slug)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** The page's components in order (position, then id). */
  public List<Component> components(Connection c, String slug) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, COMPONENTS).text("slug", slug);
        ResultSet rs = ps.executeQuery()) {
      return components(rs);
    }
  }

  /** The rows of {@link #COMPONENTS}. */
  static List<Component> components(ResultSet rs) throws SQLException {
    Map<Long, Component> out = new LinkedHashMap<>();
    Map<Long, List<String>> targets = new LinkedHashMap<>();
    while (rs.next()) {
      long id = rs.getLong("id");
      List<String> ids = targets.computeIfAbsent(id, k -> new ArrayList<>());
      out.putIfAbsent(id, new Component(id, rs.getString("name"), rs.getInt("position"), List.of()));
      String target = rs.getString("target_id");
      if (target != null) {
        ids.add(target);
      }
    }
    return out.values().stream().map(k -> new Component(k.id(), k.name(), k.position(), targets.get(k.id()))).toList();
  }

  /** Adds a component; empty when the page has one of that name. */
  public Optional<Component> addComponent(Connection c, String slug, String name, int position, List<String> targetIds)
      throws SQLException {
    long id;
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    "INSERT INTO status_component (page_slug, name, position) VALUES (:slug, :name, :position) "
                        + "ON CONFLICT (page_slug, name) DO NOTHING RETURNING id")
                .text("slug", slug)
                .text("name", name)
                .integer("position", position);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      id = rs.getLong(1);
    }
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                "INSERT INTO status_component_target (component_id, target_id) SELECT :id, t FROM unnest(:targets::text[]) AS t "
                    + "ON CONFLICT DO NOTHING")
            .bigint("id", id)
            .array("targets", "text", targetIds.toArray())) {
      ps.executeUpdate();
    }
    return Optional.of(new Component(id, name, position, targetIds.stream().distinct().sorted().toList()));
  }

  public boolean deleteComponent(Connection c, String slug, long id) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "DELETE FROM status_component WHERE page_slug = :slug AND id = :id").text("slug", slug).bigint("id", id)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** The next free position of a page (one after the largest). */
  public int nextPosition(Connection c, String slug) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT coalesce(max(position) + 1, 0) FROM status_component WHERE page_slug = :slug")
                .text("slug", slug);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Which of {@code ids} are stored targets, with their URLs and tags. */
  public List<PageTarget> targets(Connection c, List<String> ids) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, TARGETS_BY_ID).array("ids", "text", ids.toArray());
        ResultSet rs = ps.executeQuery()) {
      return targets(rs);
    }
  }

  /** The rows of {@link #TARGETS}. */
  static List<PageTarget> targets(ResultSet rs) throws SQLException {
    List<PageTarget> out = new ArrayList<>();
    while (rs.next()) {
      List<String> tags = new ArrayList<>();
      for (Object t : (Object[]) rs.getArray("tags").getArray()) {
        tags.add((String) t);
      }
      out.add(new PageTarget(rs.getString("id"), rs.getString("url"), tags));
    }
    return out;
  }

  /** Whether the target is a component's target on a page with visibility public (badges are open for those). */
  public boolean onPublicPage(Connection c, String targetId) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    "SELECT 1 FROM status_component_target st JOIN status_component sc ON sc.id = st.component_id "
                        + "JOIN status_page p ON p.slug = sc.page_slug WHERE st.target_id = :id AND p.visibility = 'public' LIMIT 1")
                .text("id", targetId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  private static NamedStatement bind(NamedStatement ps, Page p) throws SQLException {
    return ps.text("slug", p.slug())
        .text("title", p.title())
        .text("description", p.description())
        .text("visibility", p.visibility())
        .bool("showUrls", p.showUrls())
        .timestamp("at", p.updatedAt());
  }

  private static Page page(ResultSet rs) throws SQLException {
    String type = rs.getString("logo_type");
    return new Page(
        rs.getString("slug"), rs.getString("title"), rs.getString("description"), rs.getString("visibility"),
        rs.getBoolean("show_urls"), type == null ? "" : type, rs.getTimestamp("updated_at").toInstant());
  }
}
