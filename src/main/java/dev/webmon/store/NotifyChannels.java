package dev.webmon.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The read side of table {@code notify_channel} (the web's writes are in {@code ChannelWrites}).
 * Settings, secrets and templates are returned as JSON text. Stateless.
 */
public final class NotifyChannels {
  private static final String COLUMNS =
      "id, type, name, is_default, min_severity, send_resolved, route_policies, route_tags, "
          + "settings::text AS settings, secrets::text AS secrets, templates::text AS templates, version";

  private NotifyChannels() {}

  /**
   * One channel as stored.
   *
   * @param settings the non-secret settings, a JSON object
   * @param secrets the secret settings, a JSON object (never shown by the API)
   * @param templates {@code {subject?, body?}}
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
      String settings,
      String secrets,
      String templates,
      long version) {
    public Row {
      Objects.requireNonNull(id, "id");
      routePolicies = List.copyOf(routePolicies);
      routeTags = List.copyOf(routeTags);
    }

    @Override
    public String toString() {
      return "Row[" + id + ", " + type + ", version " + version + "]"; // never the secrets
    }
  }

  /** Every channel, by id. */
  public static List<Row> all(Connection c) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM notify_channel ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(row(rs));
      }
    }
    return rows;
  }

  public static Optional<Row> find(Connection c, String id) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM notify_channel WHERE id = :id").text("id", id)) {
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("name"),
        rs.getBoolean("is_default"),
        rs.getString("min_severity"),
        rs.getBoolean("send_resolved"),
        strings(rs.getArray("route_policies")),
        strings(rs.getArray("route_tags")),
        rs.getString("settings"),
        rs.getString("secrets"),
        rs.getString("templates"),
        rs.getLong("version"));
  }

  static List<String> strings(Array a) throws SQLException {
    if (a == null) {
      return List.of();
    }
    Object[] values = (Object[]) a.getArray();
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) {
      out.add((String) v);
    }
    return out;
  }
}
