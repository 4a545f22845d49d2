package dev.webmon.store;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The table {@code web_session} of UI logins: the SHA-256 of the cookie value (never the value),
 * the session's CSRF token and its expiry. Thread-safe.
 */
public final class WebSessions {
  /** A stored session. */
  public record Row(String csrfToken, Instant expiresAt) {}

  private final DataSource dataSource;

  public WebSessions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Stores a new session, dropping expired ones first (cheap, indexed). */
  public void insert(byte[] idHash, String csrfToken, Instant createdAt, Instant expiresAt) {
    Jdbc.read(
        dataSource,
        c -> {
          try (NamedStatement ps = NamedStatement.prepare(c, "DELETE FROM web_session WHERE expires_at < :now")) {
            ps.timestamp("now", createdAt).executeUpdate();
          }
          try (NamedStatement ps =
              NamedStatement.prepare(
                  c,
                  "INSERT INTO web_session (id_hash, csrf_token, created_at, expires_at)"
                      + " VALUES (:id, :csrf, :created, :expires)")) {
            ps.bytes("id", idHash)
                .text("csrf", csrfToken)
                .timestamp("created", createdAt)
                .timestamp("expires", expiresAt)
                .executeUpdate();
          }
          return null;
        });
  }

  /** The session with this id hash that is still live at {@code now}, if any. */
  public Optional<Row> find(byte[] idHash, Instant now) {
    return Jdbc.read(
        dataSource,
        c -> {
          try (NamedStatement ps =
                  NamedStatement.prepare(c, "SELECT csrf_token, expires_at FROM web_session WHERE id_hash = :id AND expires_at > :now")
                      .bytes("id", idHash)
                      .timestamp("now", now);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            return Optional.of(new Row(rs.getString("csrf_token"), rs.getTimestamp("expires_at").toInstant()));
          }
        });
  }

  /** Deletes the session with this id hash (logout). */
  public void delete(byte[] idHash) {
    Jdbc.read(
        dataSource,
        c -> {
          try (NamedStatement ps = NamedStatement.prepare(c, "DELETE FROM web_session WHERE id_hash = :id")) {
            ps.bytes("id", idHash).executeUpdate();
          }
          return null;
        });
  }
}
