package dev.webmon.check;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.webmon.Text;
import dev.webmon.event.Reason;
import java.util.Optional;

/**
 * Judges a body's text against a target's patterns, soundly when the body was cut at the cap.
 *
 * <p>A cut text is a prefix of the whole text. A match in the prefix that ends before the cut is a
 * match in the whole text too: every character it read and every assertion it evaluated (RE2 has
 * no look-ahead beyond one character for {@code \b} and {@code $}) lies before the cut. A match
 * that ends exactly at the cut is a match of the whole text only if the pattern has no assertion
 * that looks right ({@code $}, {@code \z}, {@code \b}, {@code \B}): at the cut those would judge
 * an end of text that is not there. So on a cut text, a pattern found only "at the cut" counts as
 * not found, and a pattern not found may still occur in the part that was not read: both are
 * reported as undecided, and the detail says the body was truncated. Stateless.
 */
final class PatternVerdict {
  /** The verdict; {@code decided} is false when the whole body could judge otherwise. */
  record Verdict(boolean up, Reason reason, Optional<String> detail, boolean decided) {
    static Verdict pass(Optional<String> detail, boolean decided) {
      return new Verdict(true, null, detail, decided);
    }

    static Verdict fail(Reason reason, String detail, boolean decided) {
      return new Verdict(false, reason, Optional.of(detail), decided);
    }
  }

  private enum Search {
    FOUND,
    NOT_FOUND,
    ONLY_AT_CUT
  }

  private PatternVerdict() {}

  /**
   * @param text the decoded body, or its prefix when {@code cut}
   * @param cut whether the body (or its decoded form) was cut at the cap
   * @param bytes how many body bytes were read, for the detail
   */
  static Verdict judge(Patterns.Compiled patterns, String text, boolean cut, int bytes) {
    String scope = cut ? " in the first " + bytes + " bytes of the body (truncated at check.max-body-bytes)" : " in the body";
    if (patterns.mustMatch() != null) {
      Search s = search(patterns.mustMatch(), patterns.mustMatchEndSensitive(), text, cut);
      if (s != Search.FOUND) {
        String what = "pattern " + quote(patterns.mustMatchSource());
        String detail =
            s == Search.ONLY_AT_CUT
                ? what + " matches only at the cut" + scope + ": could not decide within the cap"
                : what + " not found" + scope + (cut ? ": could not decide within the cap" : "");
        return Verdict.fail(Reason.PATTERN_MISSING, detail, !cut);
      }
    }
    if (patterns.mustNotMatch() != null) {
      String what = "forbidden pattern " + quote(patterns.mustNotMatchSource());
      Search s = search(patterns.mustNotMatch(), patterns.mustNotMatchEndSensitive(), text, cut);
      if (s == Search.FOUND) {
        return Verdict.fail(Reason.PATTERN_FORBIDDEN, what + " found" + scope, true);
      }
      if (cut) {
        String how = s == Search.ONLY_AT_CUT ? " matches only at the cut" : " not found";
        return Verdict.pass(Optional.of(what + how + scope + ": could not decide within the cap"), false);
      }
    }
    return Verdict.pass(cut ? Optional.of("pattern found" + scope) : Optional.empty(), true);
  }

  private static Search search(Pattern pattern, boolean endSensitive, String text, boolean cut) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      return Search.NOT_FOUND;
    }
    if (cut && endSensitive && m.end() == text.length()) {
      return Search.ONLY_AT_CUT;
    }
    return Search.FOUND;
  }

  private static String quote(String pattern) {
    return "'" + Text.clip(pattern, 100) + "'";
  }
}
