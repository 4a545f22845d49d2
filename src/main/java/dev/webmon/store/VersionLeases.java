package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The version lease of the web's published rows (docs/architecture.md, Web, "Writes"), for a table
 * with the columns {@code version}, {@code reserved_version}, {@code lease_until} and {@code
 * published}: {@link #reserve} hands out the next version in a short transaction, the caller
 * publishes with no connection held, then writes the row (clearing the lease) or {@link
 * #release}s it. Used for {@code alert_policy} (key {@code name}) and {@code maintenance_window}
 * (key {@code id}). Methods work on the caller's connection and transaction. Stateless and
 * thread-safe.
 */
public final class VersionLeases {
  /** The leases of {@code alert_policy}, keyed by name. */
  public static final VersionLeases ALERT_POLICIES = new VersionLeases("alert_policy", "name", "text");

  /** The leases of {@code maintenance_window}, keyed by id. */
  public static final VersionLeases MAINTENANCE_WINDOWS = new VersionLeases("maintenance_window", "id", "uuid");

  private final String table;
  private final String key;
  private final String keyType;

  private VersionLeases(String table, String key, String keyType) {
    this.table = table;
    this.key = key;
    this.keyType = keyType;
  }

  /** A version handed out for {@code key}: the row stood at {@code storedVersion}; publish {@code version}. */
  public record Lease(String key, long storedVersion, long version) {}

  /** The outcome of {@link #reserve}: a lease, or the row is busy or missing. */
  public record Reservation(Optional<Lease> lease, boolean busy) {}

  /**
   * Reserves the next version of a stored row until {@code ttl} from now, unless another write
   * holds a live lease on it.
   */
  public Reservation reserve(Connection c, String keyValue, Duration ttl) throws SQLException {
    return reserve(c, keyValue, ttl, false);
  }

  /**
   * Like {@link #reserve}, but only while the row is unpublished: another instance that published
   * it since it was listed leaves nothing to reserve (missing).
   */
  public Reservation reserveUnpublished(Connection c, String keyValue, Duration ttl) throws SQLException {
    return reserve(c, keyValue, ttl, true);
  }

  private Reservation reserve(Connection c, String keyValue, Duration ttl, boolean onlyUnpublished) throws SQLException {
    // FOR UPDATE re-checks the condition on the row as committed by a writer it waited for.
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                "SELECT coalesce(lease_until > now(), false) AS leased FROM " + table
                    + " WHERE " + key + " = :key::" + keyType + " AND version > 0"
                    + (onlyUnpublished ? " AND NOT published" : "") + " FOR UPDATE")
                .text("key", keyValue);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return new Reservation(Optional.empty(), false);
      }
      if (rs.getBoolean("leased")) {
        return new Reservation(Optional.empty(), true);
      }
    }
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                "UPDATE " + table + " SET reserved_version = greatest(version, reserved_version) + 1,"
                    + " lease_until = now() + make_interval(secs => :ttl)"
                    + " WHERE " + key + " = :key::" + keyType + " RETURNING version, reserved_version")
                .object("ttl", ttl.toMillis() / 1000.0)
                .text("key", keyValue);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new Reservation(Optional.of(new Lease(keyValue, rs.getLong("version"), rs.getLong("reserved_version"))), false);
    }
  }

  /** Clears the lease if it is still this one (a lapsed lease another write took over is left alone). */
  public void release(Connection c, Lease lease) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c, "UPDATE " + table + " SET lease_until = NULL WHERE " + key + " = :key::" + keyType + " AND reserved_version = :version")) {
      ps.text("key", lease.key()).bigint("version", lease.version()).executeUpdate();
    }
  }

  /** Marks a stored version as published and clears the lease taken to publish it. */
  public void markPublished(Connection c, Lease lease) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            "UPDATE " + table + " SET published = true,"
                + " lease_until = CASE WHEN reserved_version = :leased THEN NULL ELSE lease_until END"
                + " WHERE " + key + " = :key::" + keyType + " AND version = :version")) {
      ps.text("key", lease.key()).bigint("version", lease.storedVersion()).bigint("leased", lease.version()).executeUpdate();
    }
  }
}
