package dev.webmon.check;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.webmon.event.TargetSpec;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The compiled patterns of targets, compiled once per target version. RE2J runs in time linear
 * in the body, so no pattern can hang a check. Because a check only asks "is there a match
 * anywhere", capturing groups are rewritten to non-capturing ones before compiling: the language
 * matched is the same, and RE2J's NFA runs about twice as fast without capture slots. Thread-safe.
 */
final class Patterns {
  /**
   * A target's compiled patterns; null where the target has none. {@code …EndSensitive}: the
   * pattern has an assertion that looks right of its position ({@code $}, {@code \z}, {@code \b},
   * {@code \B}), so a match ending where a truncated body was cut proves nothing.
   */
  record Compiled(
      long version,
      String mustMatchSource,
      String mustNotMatchSource,
      Pattern mustMatch,
      Pattern mustNotMatch,
      boolean mustMatchEndSensitive,
      boolean mustNotMatchEndSensitive) {
    boolean isFor(TargetSpec t) {
      // The version decides in production; comparing the sources too (usually the same String
      // instances) keeps a reused id+version from ever matching with stale patterns.
      return version == t.version()
          && Objects.equals(mustMatchSource, t.mustMatch().orElse(null))
          && Objects.equals(mustNotMatchSource, t.mustNotMatch().orElse(null));
    }
  }

  private static final Compiled NONE = new Compiled(0, null, null, null, null, false, false);

  private static final int MAX_ENTRIES = 1_000_000;

  private final ConcurrentMap<String, Compiled> byTarget = new ConcurrentHashMap<>();

  /**
   * The compiled patterns of {@code target}'s version.
   *
   * @throws PatternSyntaxException never for a valid {@link TargetSpec}, whose constructor compiles
   *     the same patterns
   */
  Compiled of(TargetSpec target) {
    if (target.mustMatch().isEmpty() && target.mustNotMatch().isEmpty()) {
      return NONE;
    }
    Compiled c = byTarget.get(target.id());
    if (c != null && c.isFor(target)) {
      return c;
    }
    Compiled fresh =
        new Compiled(
            target.version(),
            target.mustMatch().orElse(null),
            target.mustNotMatch().orElse(null),
            target.mustMatch().map(Patterns::compileForFind).orElse(null),
            target.mustNotMatch().map(Patterns::compileForFind).orElse(null),
            target.mustMatch().map(Patterns::endSensitive).orElse(false),
            target.mustNotMatch().map(Patterns::endSensitive).orElse(false));
    if (byTarget.size() >= MAX_ENTRIES) {
      byTarget.clear(); // deleted targets' entries would otherwise accumulate forever
    }
    byTarget.put(target.id(), fresh);
    return fresh;
  }

  /** Compiles {@code regex} for a yes/no search, without capturing groups where possible. */
  static Pattern compileForFind(String regex) {
    String rewritten = withoutCaptures(regex);
    if (!rewritten.equals(regex)) {
      try {
        Pattern p = Pattern.compile(rewritten);
        if (p.groupCount() == 0) {
          return p;
        }
      } catch (PatternSyntaxException e) {
        // the rewrite misread the syntax: use the original, slower but right
      }
    }
    return Pattern.compile(regex);
  }

  /**
   * Whether {@code regex} has an assertion whose truth depends on the character after its
   * position: {@code $} or the escapes {@code \z}, {@code \Z}, {@code \b}, {@code \B} outside
   * character classes and {@code \Q...\E}. Conservative: any such assertion anywhere counts.
   */
  static boolean endSensitive(String regex) {
    int n = regex.length();
    int i = 0;
    while (i < n) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < n) {
        char e = regex.charAt(i + 1);
        if (e == 'Q') {
          int end = regex.indexOf("\\E", i + 2);
          i = end < 0 ? n : end + 2;
          continue;
        }
        if (e == 'z' || e == 'Z' || e == 'b' || e == 'B') {
          return true;
        }
        i += 2;
      } else if (c == '[') {
        i = classEnd(regex, i);
      } else if (c == '$') {
        return true;
      } else {
        i++;
      }
    }
    return false;
  }

  /**
   * {@code regex} with every capturing group {@code (x)}, {@code (?P<n>x)}, {@code (?<n>x)} turned
   * into {@code (?:x)}. Understands escapes, {@code \Q...\E} and character classes (including
   * {@code [:alpha:]} inside them), where a parenthesis is a literal.
   */
  static String withoutCaptures(String regex) {
    StringBuilder out = new StringBuilder(regex.length() + 16);
    int n = regex.length();
    int i = 0;
    while (i < n) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
          int end = regex.indexOf("\\E", i + 2);
          int stop = end < 0 ? n : end + 2;
          out.append(regex, i, stop);
          i = stop;
        } else {
          out.append(regex, i, Math.min(n, i + 2));
          i += 2;
        }
      } else if (c == '[') {
        int end = classEnd(regex, i);
        out.append(regex, i, end);
        i = end;
      } else if (c == '(') {
        if (i + 1 < n && regex.charAt(i + 1) == '?') {
          int nameEnd = namedGroupEnd(regex, i);
          if (nameEnd > 0) {
            out.append("(?:");
            i = nameEnd;
          } else {
            out.append(c);
            i++;
          }
        } else {
          out.append("(?:");
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Index after {@code (?P<name>} or {@code (?<name>} starting at {@code open}, or -1. */
  private static int namedGroupEnd(String regex, int open) {
    int j = open + 2;
    if (j < regex.length() && regex.charAt(j) == 'P') {
      j++;
    }
    if (j >= regex.length() || regex.charAt(j) != '<') {
      return -1;
    }
    int close = regex.indexOf('>', j);
    return close < 0 ? -1 : close + 1;
  }

  /** Index after the character class that starts at {@code open} (or the end of the text). */
  private static int classEnd(String regex, int open) {
    int n = regex.length();
    int j = open + 1;
    if (j < n && regex.charAt(j) == '^') {
      j++;
    }
    if (j < n && regex.charAt(j) == ']') {
      j++; // a leading ']' is a literal
    }
    while (j < n) {
      char c = regex.charAt(j);
      if (c == '\\') {
        j += 2;
      } else if (c == '[' && j + 1 < n && regex.charAt(j + 1) == ':') {
        int close = regex.indexOf(":]", j + 2);
        j = close < 0 ? j + 1 : close + 2;
      } else if (c == ']') {
        return j + 1;
      } else {
        j++;
      }
    }
    return n;
  }
}
