package dev.webmon.store;

import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code target} table, the materialised view of the targets topic, written by both the web
 * app (its own writes, so a user reads them at once) and the sink (every change of the topic).
 * An upsert only moves a row to a higher version (a lower or equal one changes nothing), so the
 * two may apply the same change in any order; a delete also removes the target's {@code
 * target_status} rows. Methods work on the caller's connection and transaction. Stateless and
 * thread-safe.
 */
public final class Targets {
  private static final Logger LOG = LoggerFactory.getLogger(Targets.class);

  /** The one upsert of a target: inserts it or moves its row forward to a higher version. */
  static final String UPSERT =
      """
      INSERT INTO target AS t (id, version, name, url, interval_seconds, tags, spec, created_at, updated_at)
      VALUES (:id, :version, :name, :url, :interval, :tags, :spec::jsonb, :updated, :updated)
      ON CONFLICT (id) DO UPDATE SET
          version = EXCLUDED.version, name = EXCLUDED.name, url = EXCLUDED.url,
          interval_seconds = EXCLUDED.interval_seconds, tags = EXCLUDED.tags, spec = EXCLUDED.spec,
          updated_at = EXCLUDED.updated_at
      WHERE t.version < EXCLUDED.version
      """;

  private final EventCodec codec = new EventCodec();

  /** The target, if stored. */
  public Optional<StoredTarget> find(Connection c, String id) throws SQLException {
    return load(c, "SELECT spec::text AS spec, created_at FROM target WHERE id = :id", id);
  }

  /** The target, locked for update until the transaction ends. */
  public Optional<StoredTarget> lock(Connection c, String id) throws SQLException {
    return load(c, "SELECT spec::text AS spec, created_at FROM target WHERE id = :id FOR UPDATE", id);
  }

  private Optional<StoredTarget> load(Connection c, String sql, String id) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, sql).text("id", id);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(new StoredTarget(decode(id, rs.getString("spec")), rs.getTimestamp("created_at").toInstant()));
    }
  }

  /** Whether the target is stored (no decoding: for read paths that only need to know). */
  public boolean exists(Connection c, String id) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT 1 FROM target WHERE id = :id").text("id", id);
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /** Every stored target, ordered by name then id (export). */
  public List<TargetSpec> all(Connection c) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "SELECT id, spec::text AS spec FROM target ORDER BY lower(name), id").fetchSize(1000)) {
      return specs(ps);
    }
  }

  /**
   * The stored targets whose (URL, name) is one of the pairs {@code urls[i]}, {@code names[i]}
   * (the identity used by the YAML import), each with the pair it matched, by id.
   */
  public List<StoredTarget> findByUrlsAndNames(Connection c, List<String> urls, List<String> names) throws SQLException {
    List<StoredTarget> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                """
                SELECT t.id, t.spec::text AS spec, t.created_at FROM target t
                WHERE (t.url, t.name) IN (SELECT * FROM unnest(:urls::text[], :names::text[]))
                ORDER BY t.id
                """)
                .array("urls", "text", urls.toArray())
                .array("names", "text", names.toArray())
                .fetchSize(1000);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new StoredTarget(decode(rs.getString("id"), rs.getString("spec")), rs.getTimestamp("created_at").toInstant()));
      }
    }
    return out;
  }

  private List<TargetSpec> specs(NamedStatement ps) throws SQLException {
    List<TargetSpec> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(decode(rs.getString("id"), rs.getString("spec")));
      }
    }
    return out;
  }

  /**
   * Inserts the target or moves its row forward to this version, storing the spec as {@link
   * EventCodec} encodes it.
   *
   * @return whether the row changed (false when it already held this or a later version)
   */
  public boolean upsert(Connection c, TargetSpec spec) throws SQLException {
    try (Upserts upserts = upserts(c)) {
      return upserts.execute(spec, new String(codec.encode(spec), StandardCharsets.UTF_8));
    }
  }

  /** Upserts many targets in one batch (see {@link #upsert}), in id order like every batch. */
  public void upsertAll(Connection c, Collection<TargetSpec> specs) throws SQLException {
    try (Upserts upserts = upserts(c)) {
      for (TargetSpec spec : specs) {
        upserts.add(spec, new String(codec.encode(spec), StandardCharsets.UTF_8));
      }
      upserts.executeBatch();
    }
  }

  /** A prepared upsert for many targets on one connection; the caller closes it. */
  public Upserts upserts(Connection c) throws SQLException {
    return new Upserts(NamedStatement.prepare(c, UPSERT));
  }

  /** Deletes the target and its status rows; returns whether the target existed. */
  public boolean delete(Connection c, String id) throws SQLException {
    return delete(c, List.of(id)) == 1;
  }

  /** Deletes the targets and their status rows; returns how many targets existed. */
  public int delete(Connection c, Collection<String> ids) throws SQLException {
    Object[] array = ids.toArray();
    try (NamedStatement targets = NamedStatement.prepare(c, "DELETE FROM target WHERE id = ANY(:ids)");
        NamedStatement status = NamedStatement.prepare(c, "DELETE FROM target_status WHERE target_id = ANY(:ids)")) {
      int deleted = targets.array("ids", "text", array).executeUpdate();
      status.array("ids", "text", array).executeUpdate();
      return deleted;
    }
  }

  /**
   * The upsert statement, prepared once for many targets: one at a time ({@link #execute}) or
   * batched ({@link #add}, then {@link #executeBatch}). A batch is written in id order, whoever
   * writes it: the sink's batches and the web's imports may upsert the same rows at the same time,
   * and transactions that take row locks in one global order cannot deadlock. Not thread-safe.
   */
  public static final class Upserts implements AutoCloseable {
    private final NamedStatement ps;
    private final List<Map.Entry<TargetSpec, String>> pending = new ArrayList<>();

    private Upserts(NamedStatement ps) {
      this.ps = ps;
    }

    /**
     * Upserts one target now.
     *
     * @param json the spec as stored in {@code target.spec} (its event JSON)
     * @return whether the row changed
     */
    public boolean execute(TargetSpec spec, String json) throws SQLException {
      bind(spec, json);
      return ps.executeUpdate() == 1;
    }

    /** Adds one target to the batch. */
    public void add(TargetSpec spec, String json) {
      pending.add(Map.entry(spec, json));
    }

    /** Upserts the targets added since the last call, in id order. */
    public void executeBatch() throws SQLException {
      if (pending.isEmpty()) {
        return;
      }
      pending.sort(Comparator.comparing(e -> e.getKey().id()));
      for (Map.Entry<TargetSpec, String> e : pending) {
        bind(e.getKey(), e.getValue());
        ps.addBatch();
      }
      pending.clear();
      ps.executeBatch();
    }

    private void bind(TargetSpec spec, String json) throws SQLException {
      ps.text("id", spec.id())
          .bigint("version", spec.version())
          .text("name", spec.name())
          .text("url", spec.url().toString())
          .integer("interval", Math.toIntExact(spec.interval().toSeconds()))
          .array("tags", "text", spec.tags().toArray())
          .text("spec", json)
          .timestamp("updated", spec.updatedAt());
    }

    @Override
    public void close() throws SQLException {
      ps.close();
    }
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
