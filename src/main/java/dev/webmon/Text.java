package dev.webmon;

/** Small text helpers shared by every package (messages, log lines). */
public final class Text {
  private Text() {}

  /** {@code s} itself when at most {@code max} characters, else its first {@code max} and "...". */
  public static String clip(String s, int max) {
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }
}
