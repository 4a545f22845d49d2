package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteParamsTest {
  private static final long ANY = -1;

  @Test
  void ifMatchNamesAVersionOrAnyCurrentOne() {
    assertThat(RouteParams.ifMatch(null, ANY)).isEqualTo(ANY);
    assertThat(RouteParams.ifMatch("*", ANY)).isEqualTo(ANY);
    assertThat(RouteParams.ifMatch(" * ", ANY)).isEqualTo(ANY);
    assertThat(RouteParams.ifMatch("\"3\"", ANY)).isEqualTo(3);
    assertThat(RouteParams.ifMatch("W/\"0\"", ANY)).isZero();
    for (String bad : new String[] {"\"-1\"", "**", "\"*\"", "garbage", ""}) {
      assertThatThrownBy(() -> RouteParams.ifMatch(bad, ANY)).as(bad).isInstanceOf(ValidationException.class).hasMessageContaining("If-Match");
    }
  }
}
