package dev.webmon.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The web's writes of the {@code notify_channel} table (migration V17), and the reads it needs to
 * merge a change into the stored channel (secrets included: they never leave the web's service
 * layer). The notifier reads channels through its own class. Optimistic concurrency by {@code
 * version}. Methods work on the caller's connection and transaction. Stateless and thread-safe.
 */
public final class ChannelWrites {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "id, type, name, is_default, min_severity, send_resolved, route_policies, route_tags,"
          + " settings::text AS settings, secrets::text AS secrets, templates::text AS templates, version, updated_at";

  /**
   * A channel as stored.
   *
   * @param settings the non-secret settings
   * @param secrets the secret settings (URLs with tokens, keys, passwords)
   * @param templates {@code subject} and/or {@code body} Pebble templates
   */
  public record Row(
      String id,
      String type,
      String name,
      boolean isDefault,
      String minSeverity,
      boolean sendResolved,
      List<String> routePolicies,
      List<String> routeTags,
      ObjectNode settings,
      ObjectNode secrets,
      ObjectNode templates,
      long version,
      Instant updatedAt) {
    public Row {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(minSeverity, "minSeverity");
      routePolicies = List.copyOf(routePolicies);
      routeTags = List.copyOf(routeTags);
      settings = settings.deepCopy();
      secrets = secrets.deepCopy();
      templates = templates.deepCopy();
    }

    @Override
    public ObjectNode settings() {
      return settings.deepCopy();
    }

    @Override
    public ObjectNode secrets() {
      return secrets.deepCopy();
    }

    @Override
    public ObjectNode templates() {
      return templates.deepCopy();
    }

    @Override
    public String toString() {
      return "Channel[" + id + ", " + type + ", version " + version + "]"; // never the secrets
    }
  }

  /** Every channel, by name then id. */
  public List<Row> all(Connection c) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM notify_channel ORDER BY lower(name), id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row(rs));
      }
    }
    return out;
  }

  public Optional<Row> find(Connection c, String id) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM notify_channel WHERE id = :id").text("id", id);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row(rs)) : Optional.empty();
    }
  }

  /** The ids among {@code ids} that name no channel. */
  public List<String> missing(Connection c, List<String> ids) throws SQLException {
    List<String> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    "SELECT x FROM unnest(:ids) AS x WHERE NOT EXISTS (SELECT 1 FROM notify_channel WHERE id = x) ORDER BY x")
                .array("ids", "text", ids.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Inserts a channel at version 1; false if the id is taken. */
  public boolean insert(Connection c, Row r) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            """
            INSERT INTO notify_channel (id, type, name, is_default, min_severity, send_resolved, route_policies, route_tags,
                settings, secrets, templates, version, created_at, updated_at)
            VALUES (:id, :type, :name, :default, :severity, :resolved, :policies, :tags,
                :settings::jsonb, :secrets::jsonb, :templates::jsonb, 1, :at, :at)
            ON CONFLICT (id) DO NOTHING
            """)) {
      return bind(ps, r).executeUpdate() == 1;
    }
  }

  /**
   * Replaces a channel if it is still at {@code expectedVersion}; the stored version becomes
   * {@code expectedVersion + 1}.
   *
   * @return whether it was replaced
   */
  public boolean update(Connection c, Row r, long expectedVersion) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            """
            UPDATE notify_channel SET type = :type, name = :name, is_default = :default, min_severity = :severity,
                send_resolved = :resolved, route_policies = :policies, route_tags = :tags, settings = :settings::jsonb,
                secrets = :secrets::jsonb, templates = :templates::jsonb, version = version + 1, updated_at = :at
            WHERE id = :id AND version = :expected
            """)) {
      return bind(ps, r).bigint("expected", expectedVersion).executeUpdate() == 1;
    }
  }

  /** Deletes a channel (its notifications and attempts go with it); whether it existed. */
  public boolean delete(Connection c, String id) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "DELETE FROM notify_channel WHERE id = :id").text("id", id)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** The names of alert policies among {@code names} that do not exist. */
  public List<String> missingPolicies(Connection c, List<String> names) throws SQLException {
    List<String> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    "SELECT x FROM unnest(:names) AS x"
                        + " WHERE NOT EXISTS (SELECT 1 FROM alert_policy WHERE name = x AND version > 0) ORDER BY x")
                .array("names", "text", names.toArray());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** The alert policies whose escalation names the channel (a delete would leave them pointing nowhere). */
  public List<String> policiesEscalatingTo(Connection c, String id) throws SQLException {
    List<String> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    """
                    SELECT name FROM alert_policy p WHERE version > 0 AND EXISTS (
                        SELECT 1 FROM jsonb_array_elements(coalesce(p.notify->'escalation', '[]'::jsonb)) AS s
                        WHERE s->'channels' @> jsonb_build_array(CAST(:id AS text)))
                    ORDER BY name
                    """)
                .text("id", id);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static NamedStatement bind(NamedStatement ps, Row r) throws SQLException {
    return ps.text("id", r.id())
        .text("type", r.type())
        .text("name", r.name())
        .bool("default", r.isDefault())
        .text("severity", r.minSeverity())
        .bool("resolved", r.sendResolved())
        .array("policies", "text", r.routePolicies().toArray())
        .array("tags", "text", r.routeTags().toArray())
        .text("settings", r.settings.toString())
        .text("secrets", r.secrets.toString())
        .text("templates", r.templates.toString())
        .timestamp("at", r.updatedAt());
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("name"),
        rs.getBoolean("is_default"),
        rs.getString("min_severity"),
        rs.getBoolean("send_resolved"),
        texts(rs, "route_policies"),
        texts(rs, "route_tags"),
        object(rs.getString("settings")),
        object(rs.getString("secrets")),
        object(rs.getString("templates")),
        rs.getLong("version"),
        rs.getTimestamp("updated_at").toInstant());
  }

  private static List<String> texts(ResultSet rs, String column) throws SQLException {
    return Arrays.stream((Object[]) rs.getArray(column).getArray()).map(String.class::cast).toList();
  }

  private static ObjectNode object(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
