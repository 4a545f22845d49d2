package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.config.Secret;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  @Test
  void aClearPasswordIsHashedAndChecked() {
    PasswordHasher h = PasswordHasher.of(new Secret("correct horse"));
    assertThat(h.matches("correct horse")).isTrue();
    assertThat(h.matches("correct horse ")).isFalse();
    assertThat(h.matches("")).isFalse();
    assertThat(h.matches(null)).isFalse();
    assertThat(h.matches("x".repeat(5000))).isFalse();
  }

  @Test
  void aConfiguredHashIsUsedAsIs() {
    String hash = PasswordHasher.hash("s3cret-pass");
    assertThat(PasswordHasher.isHash(hash)).isTrue();
    assertThat(hash).startsWith("$2y$10$");
    assertThat(PasswordHasher.of(new Secret(hash)).matches("s3cret-pass")).isTrue();
    assertThat(PasswordHasher.of(new Secret(hash)).matches(hash)).isFalse();
  }

  @Test
  void nonAsciiPasswordsWorkAndNothingIsTruncated() {
    String pw = "pässwörd-🙂-" + "y".repeat(50);
    assertThat(PasswordHasher.fits(pw)).isTrue();
    PasswordHasher h = PasswordHasher.of(new Secret(pw));
    assertThat(h.matches(pw)).isTrue();
    assertThat(h.matches(pw.substring(0, pw.length() - 1))).isFalse();
    // bcrypt reads 72 bytes: a longer input sharing them must not log in.
    String exactly72 = "z".repeat(72);
    PasswordHasher h72 = PasswordHasher.of(new Secret(exactly72));
    assertThat(h72.matches(exactly72)).isTrue();
    assertThat(h72.matches(exactly72 + "extra")).isFalse();
    assertThat(PasswordHasher.fits(exactly72 + "z")).isFalse();
  }
}
