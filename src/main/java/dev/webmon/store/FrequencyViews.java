package dev.webmon.store;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The views per preset frequency ({@code targets_every_1m} ... {@code targets_every_30m}). Thread-safe. */
public final class FrequencyViews {
  /** Targets checked at one preset frequency: all locations up, any location down, no result yet. */
  public record Frequency(String view, int intervalSeconds, long targets, long up, long down, long noData) {}

  /** The frequency views by interval in seconds, in order; names are constants, never input. */
  public static final Map<Integer, String> VIEWS =
      new TreeMap<>(
          Map.of(
              60, "targets_every_1m",
              120, "targets_every_2m",
              300, "targets_every_5m",
              600, "targets_every_10m",
              1200, "targets_every_20m",
              1800, "targets_every_30m"));

  private static final String SQL = sql();

  private final DataSource dataSource;

  public FrequencyViews(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  private static String sql() {
    StringBuilder sql = new StringBuilder();
    for (Map.Entry<Integer, String> v : VIEWS.entrySet()) {
      if (!sql.isEmpty()) {
        sql.append(" UNION ALL ");
      }
      sql.append(
          """
          SELECT '%1$s' AS view, %2$d AS seconds, count(*) AS targets,
                 count(*) FILTER (WHERE n > 0 AND n_up = n) AS up, count(*) FILTER (WHERE n_up < n) AS down,
                 count(*) FILTER (WHERE n = 0) AS no_data
          FROM (SELECT id, count(location) AS n, count(*) FILTER (WHERE up) AS n_up FROM %1$s GROUP BY id) x
          """
              .formatted(v.getValue(), v.getKey()));
    }
    return sql.toString();
  }

  /** Counts per frequency view, by interval. */
  public List<Frequency> frequencies() {
    return Jdbc.read(
        dataSource,
        c -> {
          List<Frequency> out = new ArrayList<>();
          try (NamedStatement ps = NamedStatement.prepare(c, SQL);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new Frequency(
                      rs.getString("view"), rs.getInt("seconds"), rs.getLong("targets"), rs.getLong("up"),
                      rs.getLong("down"), rs.getLong("no_data")));
            }
          }
          return out;
        });
  }
}
