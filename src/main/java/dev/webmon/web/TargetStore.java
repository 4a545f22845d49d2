package dev.webmon.web;

import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web app's access to the {@code target} table, the materialised view of the targets topic.
 * Upserts only move a row forward (a lower or equal version never overwrites), so the web app and
 * the sink may both apply the same change in any order. All SQL is parameterised. Stateless.
 */
public final class TargetStore {
  private static final Logger LOG = LoggerFactory.getLogger(TargetStore.class);

  private final EventCodec codec = new EventCodec();

  /** A stored target and when it was first created. */
  record Stored(TargetSpec spec, Instant createdAt) {}

  /** The target, if stored. */
  Optional<Stored> find(Connection c, String id) throws SQLException {
    return load(c, "SELECT spec::text, created_at FROM target WHERE id = ?", id);
  }

  /** Whether the target is stored (no decoding: for read paths that only need to know). */
  boolean exists(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM target WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The target, locked for update until the transaction ends. */
  Optional<Stored> lock(Connection c, String id) throws SQLException {
    return load(c, "SELECT spec::text, created_at FROM target WHERE id = ? FOR UPDATE", id);
  }

  private Optional<Stored> load(Connection c, String sql, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Stored(decode(id, rs.getString(1)), rs.getTimestamp(2).toInstant()));
      }
    }
  }

  /** Every stored target, ordered by name then id (export). */
  List<TargetSpec> all(Connection c) throws SQLException {
    List<TargetSpec> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, spec::text FROM target ORDER BY lower(name), id")) {
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(decode(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  /**
   * Inserts the target or moves its row forward to this version.
   *
   * @return whether the row changed (false when it already held this or a later version)
   */
  public boolean upsert(Connection c, TargetSpec spec) throws SQLException {
    String json = new String(codec.encode(spec), StandardCharsets.UTF_8);
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO target (id, version, name, url, interval_seconds, tags, spec, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                version = EXCLUDED.version, name = EXCLUDED.name, url = EXCLUDED.url,
                interval_seconds = EXCLUDED.interval_seconds, tags = EXCLUDED.tags, spec = EXCLUDED.spec,
                updated_at = EXCLUDED.updated_at
            WHERE target.version < EXCLUDED.version
            """)) {
      Timestamp updated = Timestamp.from(spec.updatedAt());
      ps.setString(1, spec.id());
      ps.setLong(2, spec.version());
      ps.setString(3, spec.name());
      ps.setString(4, spec.url().toString());
      ps.setInt(5, Math.toIntExact(spec.interval().toSeconds()));
      Array tags = c.createArrayOf("text", spec.tags().toArray());
      ps.setArray(6, tags);
      ps.setString(7, json);
      ps.setTimestamp(8, updated);
      ps.setTimestamp(9, updated);
      return ps.executeUpdate() == 1;
    }
  }

  /** Deletes the row; returns whether it existed. */
  boolean delete(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM target WHERE id = ?")) {
      ps.setString(1, id);
      return ps.executeUpdate() == 1;
    }
  }

  /** Ids of the stored targets with this URL and name (the identity used by the YAML import). */
  List<TargetSpec> findByUrlAndName(Connection c, String url, String name) throws SQLException {
    List<TargetSpec> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, spec::text FROM target WHERE url = ? AND name = ? ORDER BY id")) {
      ps.setString(1, url);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(decode(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  private TargetSpec decode(String id, String json) {
    try {
      return codec.decodeTarget(json.getBytes(StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      // The row was written from a valid event; a failure here is a schema bug worth a loud log.
      LOG.error("target {} has an unreadable spec in PostgreSQL: {}", id, e.getMessage());
      throw new IllegalStateException("target " + id + " has an unreadable spec", e);
    }
  }
}
