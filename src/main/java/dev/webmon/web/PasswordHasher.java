package dev.webmon.web;

import dev.webmon.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The admin password as a bcrypt hash (BouncyCastle's {@link OpenBSDBCrypt}). A clear-text
 * password from the config is hashed once at start and the clear text is not kept; a configured
 * hash is used as is. Thread-safe.
 */
final class PasswordHasher {
  /** bcrypt cost: 2^10 rounds, about 50-100 ms per check on a small machine. */
  static final int COST = 10;

  /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
  static final int MAX_BYTES = 72;

  private final String hash;

  private PasswordHasher(String hash) {
    this.hash = hash;
  }

  /** From the configured value: a bcrypt hash is taken as is, anything else is hashed now. */
  static PasswordHasher of(Secret configured) {
    String value = configured.reveal();
    if (isHash(value)) {
      return new PasswordHasher(value);
    }
    return new PasswordHasher(hash(value));
  }

  /** Whether the text is a bcrypt hash in the modular crypt format. */
  static boolean isHash(String text) {
    return text.length() == 60 && text.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
  }

  /** Whether bcrypt can hash this password without truncating it. */
  static boolean fits(String password) {
    return password.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
  }

  static String hash(String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", password.getBytes(StandardCharsets.UTF_8), salt, COST);
  }

  /** Whether the password matches (bcrypt's comparison is constant-time). */
  boolean matches(String password) {
    if (password == null || password.isEmpty()) {
      return false;
    }
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      return false; // bcrypt would compare only the first 72 bytes
    }
    return OpenBSDBCrypt.checkPassword(hash, bytes);
  }
}
