package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The table {@code sink_offset}: per consumer group and partition, the next offset to consume,
 * written in the same transaction as the rows it covers. Moves are compare-and-set, which is the
 * sink's fence against a second writer of the same partition. Stateless.
 */
public final class Offsets {
  /** {@link Move#expected()} of a partition that has no row yet. */
  public static final long NO_ROW = -1;

  private static final String UPDATE =
      "UPDATE sink_offset o SET next_offset = u.n, updated_at = now() "
          + "FROM unnest(:topics::text[], :partitions::int4[], :next::int8[], :expected::int8[]) AS u(t, p, n, e) "
          + "WHERE o.consumer_group = :group AND o.topic = u.t AND o.partition = u.p AND o.next_offset = u.e";

  private static final String INSERT =
      "INSERT INTO sink_offset (consumer_group, topic, partition, next_offset, updated_at) "
          + "SELECT :group, t, p, n, now() FROM unnest(:topics::text[], :partitions::int4[], :next::int8[]) AS u(t, p, n) "
          + "ON CONFLICT (consumer_group, topic, partition) DO NOTHING";

  private static final String READ =
      "SELECT o.topic, o.partition, o.next_offset FROM sink_offset o "
          + "JOIN unnest(:topics::text[], :partitions::int4[]) AS u(t, p) ON o.topic = u.t AND o.partition = u.p "
          + "WHERE o.consumer_group = :group";

  private Offsets() {}

  /**
   * One partition's move.
   *
   * @param expected the stored offset the batch was built on, or {@link #NO_ROW}
   * @param next the offset after the batch
   */
  public record Move(TopicPartition partition, long expected, long next) {}

  /**
   * Moves every partition from its expected offset to its next one, and reports whether every
   * row was where expected. An existing row is updated only if it holds the expected offset; a
   * missing row is inserted only if still missing. A concurrent writer of the same rows blocks on
   * their row locks and then finds them moved. On false the caller rolls back.
   */
  public static boolean move(Connection c, String group, Collection<Move> moves) throws SQLException {
    List<Move> updates = new ArrayList<>();
    List<Move> inserts = new ArrayList<>();
    for (Move m : moves) {
      (m.expected() == NO_ROW ? inserts : updates).add(m);
    }
    if (!updates.isEmpty()) {
      try (NamedStatement ps = NamedStatement.prepare(c, UPDATE)) {
        ps.array("topics", "text", updates.stream().map(m -> m.partition().topic()).toArray())
            .array("partitions", "int4", updates.stream().map(m -> m.partition().partition()).toArray())
            .array("next", "int8", updates.stream().map(Move::next).toArray())
            .array("expected", "int8", updates.stream().map(Move::expected).toArray())
            .text("group", group);
        if (ps.executeUpdate() != updates.size()) {
          return false;
        }
      }
    }
    if (!inserts.isEmpty()) {
      try (NamedStatement ps = NamedStatement.prepare(c, INSERT)) {
        ps.text("group", group)
            .array("topics", "text", inserts.stream().map(m -> m.partition().topic()).toArray())
            .array("partitions", "int4", inserts.stream().map(m -> m.partition().partition()).toArray())
            .array("next", "int8", inserts.stream().map(Move::next).toArray());
        if (ps.executeUpdate() != inserts.size()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The offsets stored for the given partitions; a partition without a row is absent from the map. */
  public static Map<TopicPartition, Long> read(Connection c, String group, Collection<TopicPartition> partitions)
      throws SQLException {
    Map<TopicPartition, Long> stored = new HashMap<>();
    if (partitions.isEmpty()) {
      return stored;
    }
    try (NamedStatement ps =
        NamedStatement.prepare(c, READ)
            .array("topics", "text", partitions.stream().map(TopicPartition::topic).toArray())
            .array("partitions", "int4", partitions.stream().map(TopicPartition::partition).toArray())
            .text("group", group)) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.put(new TopicPartition(rs.getString("topic"), rs.getInt("partition")), rs.getLong("next_offset"));
        }
      }
    }
    return stored;
  }
}
