package dev.webmon.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code maintenance_window} table (migration V22), written by the web app only: {@link
 * #insert} a created window (version 1), {@link #write} a changed one under the lease of {@link
 * VersionLeases#MAINTENANCE_WINDOWS} (which it clears), {@link #delete}. {@code scope} and {@code
 * schedule} hold those objects of the window's event JSON ({@link EventCodec}), and a read decodes
 * the row through the codec, so the event contract is the one mapping. Also the targets' tags a
 * scope is matched against. Methods work on the caller's connection and transaction. Stateless and
 * thread-safe.
 */
public final class MaintenanceWindows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "id, version, title, description, scope::text AS scope, schedule::text AS schedule, updated_at";
  /** Every window, by title then id. */
  static final String ALL = "SELECT " + COLUMNS + " FROM maintenance_window ORDER BY lower(title), id";

  private final EventCodec codec = new EventCodec();

  /** Every window, by title then id. */
  public List<MaintenanceWindow> all(Connection c) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, ALL); ResultSet rs = ps.executeQuery()) {
      return all(rs);
    }
  }

  /** The rows of {@link #ALL}. */
  List<MaintenanceWindow> all(ResultSet rs) throws SQLException {
    List<MaintenanceWindow> out = new ArrayList<>();
    while (rs.next()) {
      out.add(window(rs));
    }
    return out;
  }

  /** The window, if stored. */
  public Optional<MaintenanceWindow> find(Connection c, UUID id) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM maintenance_window WHERE id = :id").object("id", id);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(window(rs)) : Optional.empty();
    }
  }

  /** The ids of every stored window. */
  public List<String> ids(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT id::text AS id FROM maintenance_window ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString("id"));
      }
    }
    return out;
  }

  /** Stores a created (published) window; false if the id exists. */
  public boolean insert(Connection c, MaintenanceWindow w) throws SQLException {
    String[] parts = parts(w);
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            """
            INSERT INTO maintenance_window (id, version, title, description, scope, schedule, updated_at, reserved_version)
            VALUES (:id, :version, :title, :description, :scope::jsonb, :schedule::jsonb, :updated, :version)
            ON CONFLICT (id) DO NOTHING
            """)) {
      return bind(ps, w, parts).executeUpdate() == 1;
    }
  }

  /**
   * Writes a published version (only forward) and clears its lease.
   *
   * @return whether the row changed
   */
  public boolean write(Connection c, MaintenanceWindow w) throws SQLException {
    String[] parts = parts(w);
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            """
            UPDATE maintenance_window SET version = :version, title = :title, description = :description,
                scope = :scope::jsonb, schedule = :schedule::jsonb, updated_at = :updated, published = true,
                lease_until = CASE WHEN reserved_version = :version THEN NULL ELSE lease_until END
            WHERE id = :id AND version < :version
            """)) {
      return bind(ps, w, parts).executeUpdate() == 1;
    }
  }

  /** Deletes the window; returns whether it existed. */
  public boolean delete(Connection c, UUID id) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "DELETE FROM maintenance_window WHERE id = :id").object("id", id)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** The stored targets among {@code ids}, each with its tags. */
  public Map<String, List<String>> targetTags(Connection c, List<String> ids) throws SQLException {
    Map<String, List<String>> out = new HashMap<>();
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT id, tags FROM target WHERE id = ANY(:ids)").array("ids", "text", ids.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString("id"), tags(rs));
      }
    }
    return out;
  }

  /** Every stored target's tags, by id (for the count of targets a window covers). */
  public Map<String, List<String>> allTargetTags(Connection c) throws SQLException {
    Map<String, List<String>> out = new HashMap<>();
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT id, tags FROM target"); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString("id"), tags(rs));
      }
    }
    return out;
  }

  private static List<String> tags(ResultSet rs) throws SQLException {
    List<String> tags = new ArrayList<>();
    for (Object t : (Object[]) rs.getArray("tags").getArray()) {
      tags.add((String) t);
    }
    return List.copyOf(tags);
  }

  private static NamedStatement bind(NamedStatement ps, MaintenanceWindow w, String[] parts) throws SQLException {
    return ps.object("id", w.id())
        .bigint("version", w.version())
        .text("title", w.title())
        .text("description", w.description())
        .text("scope", parts[0])
        .text("schedule", parts[1])
        .timestamp("updated", w.updatedAt());
  }

  /** The scope and schedule objects of the window's event JSON. */
  private String[] parts(MaintenanceWindow w) {
    try {
      JsonNode event = JSON.readTree(codec.encode(w));
      return new String[] {JSON.writeValueAsString(event.get("scope")), JSON.writeValueAsString(event.get("schedule"))};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private MaintenanceWindow window(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    try {
      ObjectNode event = JSON.createObjectNode();
      event.put("v", "1.0");
      event.put("id", id);
      event.put("version", rs.getLong("version"));
      event.put("title", rs.getString("title"));
      event.put("description", rs.getString("description"));
      event.set("scope", JSON.readTree(rs.getString("scope")));
      event.set("schedule", JSON.readTree(rs.getString("schedule")));
      event.put("updatedAt", rs.getTimestamp("updated_at").toInstant().toString());
      return codec.decodeMaintenance(JSON.writeValueAsBytes(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (DecodeException e) {
      // The row was written from a valid event; a failure here is a schema bug.
      throw new IllegalStateException("maintenance window " + id + " is unreadable in PostgreSQL", e);
    }
  }
}
