package dev.webmon.web;

import dev.webmon.config.Secret;
import dev.webmon.store.WebSessions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.sql.DataSource;

/**
 * UI login sessions stored in PostgreSQL (table {@code web_session}), so any web instance serves
 * any user. The cookie holds 256 random bits; the table holds only their SHA-256 ({@link WebSessions}).
 * Thread-safe.
 */
final class Sessions {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final byte[] CREDENTIAL_SALT = "webmon web_session credential v1".getBytes(StandardCharsets.UTF_8);
  private static final int CREDENTIAL_ITERATIONS = 100_000;

  private final WebSessions table;
  private final byte[] credential;
  private final Clock clock;
  private final Duration timeout;

  /** @param credential what sessions are bound to: {@link #credentialOf} the admin password */
  Sessions(DataSource dataSource, byte[] credential, Clock clock, Duration timeout) {
    this.table = new WebSessions(dataSource);
    this.credential = credential.clone();
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * The key sessions made with {@code adminPassword} (as configured: clear text or a bcrypt hash)
   * are bound to: PBKDF2-HMAC-SHA256 with 100 000 iterations, the same on every web instance with
   * the same setting, and slow to guess from a copy of the table.
   */
  static byte[] credentialOf(Secret adminPassword) {
    try {
      PBEKeySpec spec = new PBEKeySpec(adminPassword.reveal().toCharArray(), CREDENTIAL_SALT, CREDENTIAL_ITERATIONS, 256);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * A logged-in session.
   *
   * @param cookieValue the secret cookie value (only known right after login; empty when loaded)
   * @param csrfToken the token every form of this session must echo
   * @param expiresAt when the login ends
   */
  record Session(String cookieValue, String csrfToken, Instant expiresAt) {}

  /** Starts a session; also drops expired ones and those of another admin password (cheap, indexed). */
  Session create() {
    Instant now = clock.instant();
    String cookie = randomToken();
    String csrf = randomToken();
    Instant expires = now.plus(timeout);
    table.insert(sha256(cookie), csrf, credential, now, expires);
    return new Session(cookie, csrf, expires);
  }

  /** The live session of a cookie value, if any. */
  Optional<Session> find(String cookieValue) {
    if (cookieValue == null || cookieValue.length() != 43) {
      return Optional.empty();
    }
    return table.find(sha256(cookieValue), credential, clock.instant()).map(row -> new Session("", row.csrfToken(), row.expiresAt()));
  }

  /** Ends a session (logout). */
  void delete(String cookieValue) {
    if (cookieValue == null || cookieValue.isEmpty()) {
      return;
    }
    table.delete(sha256(cookieValue));
  }

  Duration timeout() {
    return timeout;
  }

  /** 256 random bits, base64url without padding (43 characters). */
  static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Constant-time comparison of two secrets (tokens, CSRF values). */
  static boolean constantTimeEquals(String expected, String actual) {
    if (expected == null || actual == null) {
      return false;
    }
    // Comparing digests keeps the time independent of where the strings differ and of their length.
    return MessageDigest.isEqual(sha256(expected), sha256(actual));
  }
}
