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
 * Manual incident posts of status pages and their updates ({@code status_post}, {@code
 * status_post_update}, migration V18), and the incidents of a page's targets that the page shows
 * as automatic posts. The post's status is that of its newest update. On the caller's connection
 * and transaction. Stateless and thread-safe.
 */
public final class StatusPosts {
  /** The statuses of a post, in their usual order. */
  public static final List<String> STATUSES = List.of("investigating", "identified", "monitoring", "resolved");

  /**
   * The availability incidents of an array of targets ({@code %s}: a {@code text[]} expression)
   * open at some time since {@code :from}, newest first, at most {@code :limit}.
   */
  static final String INCIDENTS =
      "SELECT id::text AS id, target_id, state, severity, opened_at, acknowledged_at, resolved_at FROM incident "
          + "WHERE target_id = ANY(%s) AND lane = 'availability' AND (resolved_at IS NULL OR resolved_at >= :from) "
          + "ORDER BY opened_at DESC, id DESC LIMIT :limit";

  /** A page's posts ({@code :slug}): active ones first, then resolved, each newest first; {@code :offset} and {@code :limit}. */
  static final String PAGE_POSTS = postsSql("p.page_slug = :slug");

  private static final String INCIDENTS_OF = INCIDENTS.formatted(":targets");

  /** One update of a post's timeline; {@code body} is Markdown. */
  public record Update(long id, String status, String body, Instant at) {}

  /** A post with its updates, oldest first. */
  public record Post(long id, String slug, String title, String status, Instant createdAt, Instant updatedAt, List<Update> updates) {
    public Post {
      updates = List.copyOf(updates);
    }

    public boolean active() {
      return !status.equals("resolved");
    }
  }

  /** An incident of one of the page's targets (availability lane), as the page shows it. */
  public record PageIncident(
      String id, String targetId, String state, String severity, Instant openedAt, Optional<Instant> acknowledgedAt,
      Optional<Instant> resolvedAt) {}

  /** Creates a post with its first update; returns its id. */
  public long insert(Connection c, String slug, String title, String status, String body, Instant at) throws SQLException {
    long id;
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    "INSERT INTO status_post (page_slug, title, status, created_at, updated_at) "
                        + "VALUES (:slug, :title, :status, :at, :at) RETURNING id")
                .text("slug", slug)
                .text("title", title)
                .text("status", status)
                .timestamp("at", at);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    addUpdate(c, id, status, body, at);
    return id;
  }

  /** Adds an update to a post of the page and moves its status; false when there is no such post. */
  public boolean update(Connection c, String slug, long postId, String status, String body, Instant at) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
                c, "UPDATE status_post SET status = :status, updated_at = :at WHERE id = :id AND page_slug = :slug")
            .text("status", status)
            .timestamp("at", at)
            .bigint("id", postId)
            .text("slug", slug)) {
      if (ps.executeUpdate() != 1) {
        return false;
      }
    }
    addUpdate(c, postId, status, body, at);
    return true;
  }

  public boolean delete(Connection c, String slug, long postId) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "DELETE FROM status_post WHERE id = :id AND page_slug = :slug").bigint("id", postId).text("slug", slug)) {
      return ps.executeUpdate() == 1;
    }
  }

  public Optional<Post> find(Connection c, String slug, long postId) throws SQLException {
    List<Post> posts = select(c, "p.page_slug = :slug AND p.id = " + postId, slug, 1, 0);
    return posts.isEmpty() ? Optional.empty() : Optional.of(posts.get(0));
  }

  /** The page's posts: active ones first, then resolved, each newest first; {@code offset} skips. */
  public List<Post> list(Connection c, String slug, int limit, int offset) throws SQLException {
    return select(c, "p.page_slug = :slug", slug, limit, offset);
  }

  /**
   * The availability incidents of {@code targets} that were open at some time since {@code from},
   * newest first, at most {@code limit}.
   */
  public List<PageIncident> incidents(Connection c, List<String> targets, Instant from, int limit) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, INCIDENTS_OF)
                .array("targets", "text", targets.toArray())
                .timestamp("from", from)
                .integer("limit", limit);
        ResultSet rs = ps.executeQuery()) {
      return incidents(rs);
    }
  }

  /** The rows of {@link #INCIDENTS}. */
  static List<PageIncident> incidents(ResultSet rs) throws SQLException {
    List<PageIncident> out = new ArrayList<>();
    while (rs.next()) {
      out.add(
          new PageIncident(
              rs.getString("id"), rs.getString("target_id"), rs.getString("state"), rs.getString("severity"),
              rs.getTimestamp("opened_at").toInstant(), instant(rs, "acknowledged_at"), instant(rs, "resolved_at")));
    }
    return out;
  }

  /** {@code where} is one of the two fixed conditions above (a long is the only value spliced in). */
  private static List<Post> select(Connection c, String where, String slug, int limit, int offset) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, postsSql(where)).text("slug", slug).integer("limit", limit).integer("offset", offset);
        ResultSet rs = ps.executeQuery()) {
      return posts(rs);
    }
  }

  private static String postsSql(String where) {
    return "WITH p AS (SELECT p.* FROM status_post p WHERE " + where
        + " ORDER BY (p.status = 'resolved'), p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset) "
        + "SELECT p.id, p.page_slug, p.title, p.status, p.created_at, p.updated_at, "
        + "u.id AS update_id, u.status AS update_status, u.body, u.at "
        + "FROM p JOIN status_post_update u ON u.post_id = p.id "
        + "ORDER BY (p.status = 'resolved'), p.created_at DESC, p.id DESC, u.at, u.id";
  }

  /** The rows of {@link #PAGE_POSTS}. */
  static List<Post> posts(ResultSet rs) throws SQLException {
    Map<Long, Post> posts = new LinkedHashMap<>();
    Map<Long, List<Update>> updates = new LinkedHashMap<>();
    while (rs.next()) {
      long postId = rs.getLong("id");
      posts.putIfAbsent(
          postId,
          new Post(
              postId, rs.getString("page_slug"), rs.getString("title"), rs.getString("status"),
              rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(), List.of()));
      updates
          .computeIfAbsent(postId, k -> new ArrayList<>())
          .add(new Update(rs.getLong("update_id"), rs.getString("update_status"), rs.getString("body"), rs.getTimestamp("at").toInstant()));
    }
    return posts.values().stream()
        .map(p -> new Post(p.id(), p.slug(), p.title(), p.status(), p.createdAt(), p.updatedAt(), updates.get(p.id())))
        .toList();
  }

  private static void addUpdate(Connection c, long postId, String status, String body, Instant at) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "INSERT INTO status_post_update (post_id, status, body, at) VALUES (:id, :status, :body, :at)")
            .bigint("id", postId)
            .text("status", status)
            .text("body", body)
            .timestamp("at", at)) {
      ps.executeUpdate();
    }
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    java.sql.Timestamp t = rs.getTimestamp(column);
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }
}
