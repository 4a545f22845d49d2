package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

class PatternVerdictTest {
  private final Patterns cache = new Patterns();

  private Patterns.Compiled compiled(String mustMatch, String mustNotMatch) {
    TargetSpec.Builder b = TargetSpec.builder("t" + Math.abs((mustMatch + "|" + mustNotMatch).hashCode()), "http://example.com/");
    if (mustMatch != null) {
      b.mustMatch(mustMatch);
    }
    if (mustNotMatch != null) {
      b.mustNotMatch(mustNotMatch);
    }
    return cache.of(b.build());
  }

  @Test
  void anEndAnchorDoesNotMatchAtTheCut() {
    String full = "<p>total: 1000 items</p>";
    String cut = full.substring(0, "<p>total: 100".length());
    for (String anchor : new String[] {"100$", "100\\z", "100\\b"}) {
      PatternVerdict.Verdict whole = PatternVerdict.judge(compiled(anchor, null), full, false, full.length());
      assertThat(whole.up()).as(anchor + " on the whole body").isFalse();
      PatternVerdict.Verdict v = PatternVerdict.judge(compiled(anchor, null), cut, true, cut.length());
      assertThat(v.up()).as(anchor).isFalse();
      assertThat(v.reason()).isEqualTo(Reason.PATTERN_MISSING);
      assertThat(v.decided()).isFalse();
      assertThat(v.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated").contains("could not decide"));
    }
  }

  @Test
  void aForbiddenPatternSeenOnlyAtTheCutIsNotReportedAsFound() {
    String cut = "status: ok";
    PatternVerdict.Verdict v = PatternVerdict.judge(compiled(null, "ok$"), cut, true, cut.length());
    assertThat(v.up()).isTrue();
    assertThat(v.decided()).isFalse();
    assertThat(v.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated").contains("could not decide"));
  }

  @Test
  void aMatchBeforeTheCutDecides() {
    String cut = "ok then more text";
    PatternVerdict.Verdict found = PatternVerdict.judge(compiled("ok\\b", null), cut, true, cut.length());
    assertThat(found.up()).isTrue();
    assertThat(found.decided()).isTrue();
    assertThat(found.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated"));
    PatternVerdict.Verdict forbidden = PatternVerdict.judge(compiled(null, "then"), cut, true, cut.length());
    assertThat(forbidden.reason()).isEqualTo(Reason.PATTERN_FORBIDDEN);
    assertThat(forbidden.decided()).isTrue();
    assertThat(forbidden.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated"));
  }

  @Test
  void aWholeBodyIsJudgedAsBefore() {
    PatternVerdict.Verdict up = PatternVerdict.judge(compiled("end$", "error"), "the end", false, 7);
    assertThat(up.up()).isTrue();
    assertThat(up.detail()).isEmpty();
    assertThat(up.decided()).isTrue();
    PatternVerdict.Verdict missing = PatternVerdict.judge(compiled("x", null), "the end", false, 7);
    assertThat(missing.detail()).contains("pattern 'x' not found in the body");
  }

  /**
   * The property: on a body cut anywhere, the verdict is the whole body's verdict, or it
   * is reported as undecided (and the detail says the body was truncated).
   */
  @Property(tries = 3000)
  void aCutBodyGivesTheWholeBodysVerdictOrSaysItCouldNotDecide(
      @ForAll("regexes") String mustMatch,
      @ForAll("regexes") String mustNotMatch,
      @ForAll("bodies") String body,
      @ForAll("which") int which,
      @ForAll("fractions") double fraction) {
    Patterns.Compiled c =
        compiled(which == 1 ? null : mustMatch, which == 0 ? null : mustNotMatch);
    int cutAt = (int) Math.floor(body.length() * fraction);
    String prefix = body.substring(0, cutAt);
    PatternVerdict.Verdict whole = PatternVerdict.judge(c, body, false, body.length());
    PatternVerdict.Verdict cut = PatternVerdict.judge(c, prefix, true, cutAt);
    Statistics.collect(cut.decided() ? "decided" : "undecided");
    assertThat(cut.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated"));
    if (cut.decided()) {
      assertThat(cut.up()).as("decided on the cut body, so the same as on the whole body").isEqualTo(whole.up());
      assertThat(cut.reason()).isEqualTo(whole.reason());
    } else {
      assertThat(cut.detail()).hasValueSatisfying(d -> assertThat(d).contains("could not decide"));
    }
  }

  @Provide
  Arbitrary<String> regexes() {
    Arbitrary<String> atom =
        Arbitraries.of("a", "b", " ", ".", "\\n", "[ab]", "[^a]", "^", "$", "\\z", "\\b", "\\B", "\\A", "(?m)$", "(?m)^", "\\Qb$\\E", "[$]");
    return Arbitraries.recursive(
        () -> atom,
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("", l)),
                inner.map(x -> "(" + x + ")"),
                inner.map(x -> "(?:" + x + ")*"),
                inner.map(x -> "(?:" + x + ")+"),
                inner.map(x -> "(?:" + x + ")?"),
                inner.list().ofSize(2).map(l -> l.get(0) + "|" + l.get(1))),
        3);
  }

  @Provide
  Arbitrary<String> bodies() {
    return Arbitraries.strings().withChars("ab \n$").ofMaxLength(24);
  }

  @Provide
  Arbitrary<Integer> which() {
    return Arbitraries.of(0, 1, 2); // 0: mustMatch only, 1: mustNotMatch only, 2: both
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.integers().between(0, 999).map(permille -> permille / 1000.0);
  }
}
