package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class StatusFormatsTest {
  @Property(tries = 2000)
  void floor2PrintsWhatTheFormatterPrinted(@ForAll @DoubleRange(min = 0, max = 100) double v) {
    assertThat(StatusFormats.floor2(v)).isEqualTo(String.format(Locale.ROOT, "%.2f", Math.floor(v * 100) / 100));
  }

  @Test
  void edges() {
    assertThat(StatusFormats.floor2(100)).isEqualTo("100.00");
    assertThat(StatusFormats.floor2(0)).isEqualTo("0.00");
    assertThat(StatusFormats.floor2(99.999)).isEqualTo("99.99");
    assertThat(StatusFormats.floor2(5.05)).isEqualTo(String.format(Locale.ROOT, "%.2f", Math.floor(5.05 * 100) / 100));
  }
}
