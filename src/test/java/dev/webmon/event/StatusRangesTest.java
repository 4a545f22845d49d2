package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class StatusRangesTest {
  @Example
  void parsesAndFormats() {
    assertThat(StatusRanges.parse("200-399")).isEqualTo(StatusRanges.DEFAULT);
    StatusRanges r = StatusRanges.parse("200,204,300-302");
    assertThat(r.format()).isEqualTo("200,204,300-302");
    assertThat(r.contains(204)).isTrue();
    assertThat(r.contains(203)).isFalse();
    assertThat(r.contains(302)).isTrue();
    assertThat(r.contains(303)).isFalse();
  }

  @Example
  void normalises() {
    assertThat(StatusRanges.parse("201,200").format()).isEqualTo("200-201");
    assertThat(StatusRanges.parse("300-399,200-350").format()).isEqualTo("200-399");
    assertThat(StatusRanges.parse("500,200-299,204")).isEqualTo(StatusRanges.parse("200-299,500"));
  }

  @Example
  void refusesBadText() {
    for (String bad :
        new String[] {"", "200 - 399", "200-", "-200", "200,", ",200", "2000", "99", "600",
            "399-200", "20a", "200--300", "\u0662\u0660\u0660"}) {
      assertThatThrownBy(() -> StatusRanges.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidEventException.class,
              e -> assertThat(e.field()).isEqualTo("expectedStatus"));
    }
    assertThatThrownBy(() -> StatusRanges.parse("200,".repeat(50) + "200"))
        .isInstanceOf(InvalidEventException.class);
  }

  @Provide
  Arbitrary<StatusRanges> ranges() {
    return EventArbitraries.statusRanges();
  }

  @Property
  void formatParsesBack(@ForAll("ranges") StatusRanges r) {
    assertThat(StatusRanges.parse(r.format())).isEqualTo(r);
  }

  @Property
  void containsAgreesWithTheInputRanges(
      @ForAll("ranges") StatusRanges r, @ForAll @IntRange(min = 0, max = 700) int code) {
    // The normalised ranges cover exactly the codes the original covers.
    boolean expected = false;
    for (StatusRanges.Range range : StatusRanges.parse(r.format()).ranges()) {
      expected |= code >= range.from() && code <= range.to();
    }
    assertThat(r.contains(code)).isEqualTo(expected);
    for (int i = 1; i < r.ranges().size(); i++) {
      assertThat(r.ranges().get(i).from()).isGreaterThan(r.ranges().get(i - 1).to() + 1);
    }
  }
}
