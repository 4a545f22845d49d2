package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Version leases on {@code target} rows (migration V13), so a web write never holds a connection
 * while Kafka acknowledges: {@link #reserve} hands out the next version of each target in a short
 * transaction, the caller publishes with no connection held, then writes the row and {@link
 * #release}s the lease. A version is handed out once (a failed publish burns it), so two records
 * of one target never carry the same version, whichever web instance wrote them. Times are
 * PostgreSQL's {@code now()}, the one clock all web instances share. Methods work on the caller's
 * connection and transaction. Stateless and thread-safe.
 */
public final class TargetLeases {
  /** A version handed out: the row stood at {@code storedVersion}; publish {@code version}. */
  public record Lease(String id, long storedVersion, long version) {}

  /**
   * What {@link #reserve} did: every id either got a lease, is busy (another write's lease is
   * live; then nothing was reserved at all), or is missing (no row).
   */
  public record Reservation(Map<String, Lease> leases, List<String> busy) {
    public boolean reserved() {
      return busy.isEmpty();
    }
  }

  /**
   * Locks the rows of {@code ids} (in id order, so concurrent reservations cannot deadlock) and,
   * if none holds a live lease, reserves the next version of each until {@code ttl} from now. If
   * any is busy nothing is reserved.
   */
  public Reservation reserve(Connection c, Collection<String> ids, Duration ttl) throws SQLException {
    Object[] array = ids.toArray();
    List<String> busy = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                "SELECT id, coalesce(lease_until > now(), false) AS leased FROM target WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                .array("ids", "text", array);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rs.getBoolean("leased")) {
          busy.add(rs.getString("id"));
        }
      }
    }
    Map<String, Lease> leases = new HashMap<>();
    if (!busy.isEmpty()) {
      return new Reservation(Map.of(), List.copyOf(busy));
    }
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                """
                UPDATE target SET reserved_version = greatest(version, reserved_version) + 1,
                    lease_until = now() + make_interval(secs => :ttl)
                WHERE id = ANY(:ids)
                RETURNING id, version, reserved_version
                """)
                .object("ttl", ttl.toMillis() / 1000.0)
                .array("ids", "text", array);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString("id");
        leases.put(id, new Lease(id, rs.getLong("version"), rs.getLong("reserved_version")));
      }
    }
    return new Reservation(leases, List.of());
  }

  /** Clears the leases that are still these (a lapsed lease another write took over is left alone). */
  public void release(Connection c, Collection<Lease> leases) throws SQLException {
    if (leases.isEmpty()) {
      return;
    }
    Object[] ids = leases.stream().map(Lease::id).toArray();
    Object[] versions = leases.stream().map(Lease::version).toArray();
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            """
            UPDATE target t SET lease_until = NULL
            FROM unnest(:ids::text[], :versions::bigint[]) AS l(id, version)
            WHERE t.id = l.id AND t.reserved_version = l.version
            """)) {
      ps.array("ids", "text", ids).array("versions", "bigint", versions).executeUpdate();
    }
  }
}
