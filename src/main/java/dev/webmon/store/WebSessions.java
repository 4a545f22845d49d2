package dev.webmon.store;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The table {@code web_session} of UI logins: the SHA-256 of the cookie value (never the value),
 * the session's CSRF token, the credential it was made with (a key derived from the admin
 * password) and its expiry. Thread-safe.
 */
public final class WebSessions {
  /** A stored session. */
  public record Row(String csrfToken, Instant expiresAt) {}

  private final DataSource dataSource;

  public WebSessions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Stores a new session made with {@code credential}, dropping expired sessions and those of any
   * other credential first (a password change ends them).
   */
  public void insert(byte[] idHash, String csrfToken, byte[] credential, Instant createdAt, Instant expiresAt) {
    Jdbc.transaction(
        dataSource,
        c -> {
          try (NamedStatement ps =
              NamedStatement.prepare(c, "DELETE FROM web_session WHERE expires_at < :now OR credential <> :credential")) {
            ps.timestamp("now", createdAt).bytes("credential", credential).executeUpdate();
          }
          try (NamedStatement ps =
              NamedStatement.prepare(
                  c,
                  "INSERT INTO web_session (id_hash, csrf_token, credential, created_at, expires_at)"
                      + " VALUES (:id, :csrf, :credential, :created, :expires)")) {
            ps.bytes("id", idHash)
                .text("csrf", csrfToken)
                .bytes("credential", credential)
                .timestamp("created", createdAt)
                .timestamp("expires", expiresAt)
                .executeUpdate();
          }
          return null;
        });
  }

  /** The session with this id hash, made with {@code credential}, that is still live at {@code now}, if any. */
  public Optional<Row> find(byte[] idHash, byte[] credential, Instant now) {
    return Jdbc.read(
        dataSource,
        c -> {
          try (NamedStatement ps =
                  NamedStatement.prepare(
                          c,
                          "SELECT csrf_token, expires_at FROM web_session"
                              + " WHERE id_hash = :id AND credential = :credential AND expires_at > :now")
                      .bytes("id", idHash)
                      .bytes("credential", credential)
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
