package dev.webmon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void clipKeepsShortTextAndCutsLongTextWithAnEllipsis() {
    assertThat(Text.clip("abc", 3)).isEqualTo("abc");
    assertThat(Text.clip("abcd", 3)).isEqualTo("abc...");
    assertThat(Text.clip("", 0)).isEmpty();
  }
}
