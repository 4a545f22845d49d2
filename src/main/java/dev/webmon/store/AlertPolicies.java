package dev.webmon.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.PolicyFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code alert_policy} table (migration V16), written by the web app only, with the same
 * version lease as {@link TargetLeases}: {@link VersionLeases#ALERT_POLICIES}/{@link #reserveNew}
 * hand out the next version in a short transaction, the caller publishes to the policies topic
 * with no connection held, then {@link #write}s the row (which clears the lease) or releases it. A row at
 * version 0 only holds the lease of a create in flight and is invisible to reads. {@code fields}
 * holds the {@code fields} object of the policy's event JSON ({@link EventCodec}), so the event
 * codec is the one mapping of policy fields. Methods work on the caller's connection and
 * transaction. Stateless and thread-safe.
 */
public final class AlertPolicies {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "name, version, tags, fields::text AS fields, updated_at";

  private final EventCodec codec = new EventCodec();

  /** Every policy, by name. */
  public List<AlertPolicySpec> all(Connection c) throws SQLException {
    List<AlertPolicySpec> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM alert_policy WHERE version > 0 ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(spec(rs));
      }
    }
    return out;
  }

  /** The policy, if stored. */
  public Optional<AlertPolicySpec> find(Connection c, String name) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM alert_policy WHERE name = :name AND version > 0")
                .text("name", name);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(spec(rs)) : Optional.empty();
    }
  }

  /**
   * Reserves the first version of a new policy: a row at version 0 holds the lease. Empty if the
   * name is taken, or a create of it is in flight.
   */
  public Optional<VersionLeases.Lease> reserveNew(Connection c, String name, Duration ttl) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                """
                INSERT INTO alert_policy AS p (name, version, tags, fields, updated_at, reserved_version, lease_until, published)
                VALUES (:name, 0, '{}', '{}', now(), 1, now() + make_interval(secs => :ttl), false)
                ON CONFLICT (name) DO UPDATE SET reserved_version = p.reserved_version + 1, lease_until = EXCLUDED.lease_until
                WHERE p.version = 0 AND NOT coalesce(p.lease_until > now(), false)
                RETURNING reserved_version
                """)
                .text("name", name)
                .object("ttl", ttl.toMillis() / 1000.0);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(new VersionLeases.Lease(name, 0, rs.getLong("reserved_version"))) : Optional.empty();
    }
  }

  /**
   * Writes a published version (only forward) and clears its lease.
   *
   * @return whether the row changed
   */
  public boolean write(Connection c, AlertPolicySpec spec) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            """
            UPDATE alert_policy SET version = :version, tags = :tags, fields = :fields::jsonb, updated_at = :updated,
                published = true,
                lease_until = CASE WHEN reserved_version = :version THEN NULL ELSE lease_until END
            WHERE name = :name AND version < :version
            """)) {
      return ps.text("name", spec.name())
              .bigint("version", spec.version())
              .array("tags", "text", spec.tags().toArray())
              .text("fields", fieldsJson(spec))
              .timestamp("updated", spec.updatedAt())
              .executeUpdate()
          == 1;
    }
  }

  /** Deletes the policy; returns whether it existed. */
  public boolean delete(Connection c, String name) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "DELETE FROM alert_policy WHERE name = :name").text("name", name)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** The names of the stored policies Kafka has not seen (the seeded {@code default}). */
  public List<String> unpublished(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT name FROM alert_policy WHERE NOT published AND version > 0 ORDER BY name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString("name"));
      }
    }
    return out;
  }

  /** A target naming a policy: id and name. */
  public record Naming(String id, String name) {}

  /** Up to {@code limit} targets that name the policy, by name, and how many there are. */
  public record Users(List<Naming> first, long total) {}

  /** The targets whose spec names the policy ({@code alertPolicy}). */
  public Users targetsNaming(Connection c, String policy, int limit) throws SQLException {
    List<Naming> first = new ArrayList<>();
    long total = 0;
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                """
                SELECT id, name, count(*) OVER () AS total FROM target WHERE spec->>'alertPolicy' = :policy
                ORDER BY lower(name), id LIMIT :limit
                """)
                .text("policy", policy)
                .integer("limit", limit);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        first.add(new Naming(rs.getString("id"), rs.getString("name")));
        total = rs.getLong("total");
      }
    }
    return new Users(List.copyOf(first), total);
  }

  // ---------------------------------------------------------------- notification settings (issue 13)

  /** Every stored policy's {@code notify} JSON (V17), by name. */
  public java.util.Map<String, String> notifySettings(Connection c) throws SQLException {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT name, notify::text AS notify FROM alert_policy WHERE version > 0");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString("name"), rs.getString("notify"));
      }
    }
    return out;
  }

  /** Sets a stored policy's {@code notify} JSON (not part of its event: no new version); whether it exists. */
  public boolean writeNotify(Connection c, String name, String json) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "UPDATE alert_policy SET notify = :notify::jsonb WHERE name = :name AND version > 0")) {
      return ps.text("name", name).text("notify", json).executeUpdate() == 1;
    }
  }

  // ---------------------------------------------------------------- JSON

  private String fieldsJson(AlertPolicySpec spec) {
    try {
      JsonNode fields = JSON.readTree(codec.encode(spec)).get("fields");
      return fields == null ? "{}" : JSON.writeValueAsString(fields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AlertPolicySpec spec(ResultSet rs) throws SQLException {
    String name = rs.getString("name");
    Object[] tags = (Object[]) rs.getArray("tags").getArray();
    List<String> tagList = new ArrayList<>();
    for (Object t : tags) {
      tagList.add((String) t);
    }
    AlertPolicySpec bare =
        new AlertPolicySpec(name, rs.getLong("version"), tagList, PolicyFields.NONE, rs.getTimestamp("updated_at").toInstant());
    try {
      ObjectNode event = (ObjectNode) JSON.readTree(codec.encode(bare));
      JsonNode fields = JSON.readTree(rs.getString("fields"));
      if (!fields.isEmpty()) {
        event.set("fields", fields);
      }
      return codec.decodePolicy(JSON.writeValueAsBytes(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (DecodeException e) {
      // The row was written from a valid event; a failure here is a schema bug.
      throw new IllegalStateException("alert policy " + name + " has unreadable fields in PostgreSQL", e);
    }
  }
}
