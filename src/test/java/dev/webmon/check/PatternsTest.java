package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.webmon.event.TargetSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatternsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "(a+)+$|(?:a+)+$",
        "(?P<year>\\d{4})-(\\d\\d)|(?:\\d{4})-(?:\\d\\d)",
        "(?<x>a)|(?:a)",
        "(?i)(ok)|(?i)(?:ok)",
        "(?i:ok)|(?i:ok)",
        "\\(literal\\)|\\(literal\\)",
        "[(]x[)]|[(]x[)]",
        "[]()]|[]()]",
        "[^](]|[^](]",
        "[[:alpha:](]+|[[:alpha:](]+",
        "\\Q(a)\\E(b)|\\Q(a)\\E(?:b)"
      })
  void capturingGroupsBecomeNonCapturing(String regex, String expected) {
    assertThat(Patterns.withoutCaptures(regex)).isEqualTo(expected);
  }

  @Property(tries = 500)
  void theRewriteMatchesExactlyWhatTheOriginalMatches(@ForAll("regexes") String regex, @ForAll("inputs") String input) {
    Pattern original;
    try {
      original = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      Assume.that(false);
      return;
    }
    Pattern fast = Patterns.compileForFind(regex);
    assertThat(fast.matcher(input).find()).as(regex + " on " + input).isEqualTo(original.matcher(input).find());
    assertThat(fast.groupCount()).isZero();
  }

  @Test
  void patternsAreCompiledOncePerTargetVersion() {
    Patterns cache = new Patterns();
    TargetSpec v1 = TargetSpec.builder("t", "http://example.com/").mustMatch("ok").build();
    assertThat(cache.of(v1)).isSameAs(cache.of(v1));
    TargetSpec v2 = v1.toBuilder().version(2).mustMatch("fine").build();
    Patterns.Compiled c2 = cache.of(v2);
    assertThat(c2.mustMatchSource()).isEqualTo("fine");
    assertThat(c2.mustMatch().matcher("all fine").find()).isTrue();
    assertThat(cache.of(TargetSpec.builder("u", "http://example.com/").build()).mustMatch()).isNull();
  }

  @Provide
  Arbitrary<String> regexes() {
    Arbitrary<String> atom =
        Arbitraries.of("a", "b", ".", "\\(", "\\)", "[ab(]", "[^)]", "[]a]", "\\Qa(\\E", "\\d", "[[:alpha:]]", "^", "$", "\\b", "A");
    return Arbitraries.recursive(
        () -> atom,
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("", l)),
                inner.map(x -> "(" + x + ")"),
                inner.map(x -> "(?:" + x + ")"),
                inner.map(x -> "(?P<n" + Math.abs(x.hashCode() % 100) + ">" + x + ")"),
                inner.map(x -> "(?i)" + x),
                inner.map(x -> x + "*"),
                inner.map(x -> "(" + x + ")+"),
                inner.map(x -> x + "?"),
                inner.map(x -> "(" + x + "){1,2}"),
                Arbitraries.just("").flatMap(e -> inner.list().ofSize(2).map(l -> l.get(0) + "|" + l.get(1)))),
        3);
  }

  @Provide
  Arbitrary<String> inputs() {
    return Arbitraries.strings().withChars("abAB()1 ").ofMaxLength(12);
  }
}
