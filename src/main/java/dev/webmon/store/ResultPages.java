package dev.webmon.store;

import dev.webmon.event.Outcome;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The raw check results of one target, page by page, newest first, by keyset (the primary key
 * {@code (target_id, started_at, result_id)} read backwards). Thread-safe.
 */
public final class ResultPages {
  /** Largest page. */
  public static final int MAX_LIMIT = 1000;

  private static final String SQL =
      """
      SELECT result_id, started_at, scheduled_at, location, agent_id, up, reason, status_code,
             dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, http_version,
             remote_address, tls_expires_at, redirects, final_url, detail, target_version, maintenance
      FROM check_result
      WHERE target_id = :target AND started_at >= :from AND started_at < :to
        AND (CAST(:after AS timestamptz) IS NULL OR (started_at, result_id) < (CAST(:after AS timestamptz), CAST(:afterId AS uuid)))
        AND (CAST(:location AS text) IS NULL OR location = :location)
        AND (CAST(:up AS boolean) IS NULL OR up = :up)
      ORDER BY started_at DESC, result_id DESC
      LIMIT :limit
      """;

  private final DataSource dataSource;

  public ResultPages(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One raw check result. Times in microseconds as measured; {@code maintenance}: the agent found a
   * maintenance window covering the target when the check started.
   */
  public record ResultItem(
      UUID resultId,
      Instant startedAt,
      Instant scheduledAt,
      String location,
      String agentId,
      Outcome outcome,
      String reason,
      Integer statusCode,
      Map<String, Long> timingsMicros,
      double totalMs,
      long bodyBytes,
      String httpVersion,
      String remoteAddress,
      Instant tlsExpiresAt,
      int redirects,
      String finalUrl,
      String detail,
      long targetVersion,
      boolean maintenance) {
    static ResultItem of(ResultSet rs) throws SQLException {
      Map<String, Long> timings = new LinkedHashMap<>();
      timings.put("dns", rs.getLong("dns_us"));
      timings.put("connect", rs.getLong("connect_us"));
      timings.put("tls", rs.getLong("tls_us"));
      timings.put("ttfb", rs.getLong("ttfb_us"));
      timings.put("transfer", rs.getLong("transfer_us"));
      timings.put("total", rs.getLong("total_us"));
      int status = rs.getInt("status_code");
      Integer statusCode = rs.wasNull() ? null : status;
      return new ResultItem(
          rs.getObject("result_id", UUID.class),
          Jdbc.instant(rs, "started_at"),
          Jdbc.instant(rs, "scheduled_at"),
          rs.getString("location"),
          rs.getString("agent_id"),
          rs.getBoolean("up") ? Outcome.UP : Outcome.DOWN,
          rs.getString("reason"),
          statusCode,
          timings,
          rs.getLong("total_us") / 1000.0,
          rs.getLong("body_bytes"),
          rs.getString("http_version"),
          rs.getString("remote_address"),
          Jdbc.instant(rs, "tls_expires_at"),
          rs.getInt("redirects"),
          rs.getString("final_url"),
          rs.getString("detail"),
          rs.getLong("target_version"),
          rs.getBoolean("maintenance"));
    }
  }

  /** A page of results, newest first; {@code nextCursor} fetches the following (older) page. */
  public record ResultPage(List<ResultItem> items, Instant from, Instant to, String nextCursor) {}

  /** Position after the last result of a page: its start time and id. */
  public record Cursor(Instant startedAt, UUID resultId) {
    /** The cursor as an opaque URL-safe text. */
    public String format() {
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, startedAt);
      return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + resultId).getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor of a text made by {@link #format}, or empty if the text is not one. */
    public static Optional<Cursor> parse(String text) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        int colon = decoded.indexOf(':');
        long micros = Long.parseLong(decoded.substring(0, colon));
        return Optional.of(new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(decoded.substring(colon + 1))));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Which results: a target's with {@code from <= startedAt < to}, newest first, at most {@code
   * limit} (1 to {@link #MAX_LIMIT}); optionally only those after a previous page's position, of
   * one location, or of one outcome. Build with {@link #of} and the withers.
   */
  public record Query(
      String targetId, Instant from, Instant to, int limit, Optional<Cursor> after, Optional<String> location, Optional<Outcome> outcome) {
    public static Query of(String targetId, Instant from, Instant to, int limit) {
      return new Query(targetId, from, to, limit, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Query after(Cursor cursor) {
      return new Query(targetId, from, to, limit, Optional.of(cursor), location, outcome);
    }

    public Query location(String name) {
      return new Query(targetId, from, to, limit, after, Optional.of(name), outcome);
    }

    public Query outcome(Outcome only) {
      return new Query(targetId, from, to, limit, after, location, Optional.of(only));
    }
  }

  /** The page of results {@code q} asks for. */
  public ResultPage results(Query q) {
    String targetId = q.targetId();
    Instant from = q.from();
    Instant to = q.to();
    int limit = q.limit();
    Optional<Cursor> after = q.after();
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit " + limit + " is not within 1 to " + MAX_LIMIT);
    }
    return Jdbc.read(
        dataSource,
        c -> {
          try (NamedStatement ps =
              NamedStatement.prepare(c, SQL)
                  .text("target", targetId)
                  .timestamp("from", from)
                  .timestamp("to", to)
                  .timestamp("after", after.map(Cursor::startedAt).orElse(null))
                  .object("afterId", after.map(Cursor::resultId).orElse(null), Types.OTHER)
                  .text("location", q.location().orElse(null))
                  .bool("up", q.outcome().map(o -> o == Outcome.UP).orElse(null))
                  .integer("limit", limit + 1)) {
            List<ResultItem> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                items.add(ResultItem.of(rs));
              }
            }
            String next = null;
            if (items.size() > limit) {
              items.remove(limit);
              ResultItem last = items.get(limit - 1);
              next = new Cursor(last.startedAt(), last.resultId()).format();
            }
            return new ResultPage(items, from, to, next);
          }
        });
  }
}
