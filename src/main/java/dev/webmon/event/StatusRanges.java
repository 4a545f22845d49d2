package dev.webmon.event;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The HTTP status codes a target is expected to answer with: a set of inclusive ranges within
 * 100–599. Written {@code "200-399"} or {@code "200,204,300-302"} (no spaces). The constructor
 * normalises: ranges are sorted and overlapping or adjacent ones merged, so {@code "201,200"} and
 * {@code "200-201"} are equal and format the same. Immutable and thread-safe.
 *
 * @param ranges the ranges, non-empty, at most 50, normalised
 */
public record StatusRanges(List<Range> ranges) {
  /** The most ranges a set may have (before merging). */
  public static final int MAX_RANGES = 50;

  /** The default expectation, {@code 200-399}: success and redirects not followed. */
  public static final StatusRanges DEFAULT = new StatusRanges(List.of(new Range(200, 399)));

  /**
   * One inclusive range of status codes.
   *
   * @param from the lowest code, 100–599
   * @param to the highest code, {@code from}–599
   */
  public record Range(int from, int to) {
    /** Validates. */
    public Range {
      Validate.between(from, 100, 599, "expectedStatus");
      Validate.between(to, from, 599, "expectedStatus");
    }

    /** True if {@code code} is in this range. */
    public boolean contains(int code) {
      return code >= from && code <= to;
    }

    @Override
    public String toString() {
      return from == to ? Integer.toString(from) : from + "-" + to;
    }
  }

  /** Validates and normalises. */
  public StatusRanges {
    Validate.notNull(ranges, "expectedStatus");
    if (ranges.isEmpty() || ranges.size() > MAX_RANGES) {
      throw new InvalidEventException(
          "expectedStatus", "must have 1 to " + MAX_RANGES + " ranges, got " + ranges.size());
    }
    List<Range> sorted = new ArrayList<>(ranges.size());
    for (Range r : ranges) {
      sorted.add(Validate.notNull(r, "expectedStatus"));
    }
    sorted.sort(Comparator.comparingInt(Range::from));
    List<Range> merged = new ArrayList<>(sorted.size());
    Range current = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      Range next = sorted.get(i);
      if (next.from() <= current.to() + 1) {
        current = new Range(current.from(), Math.max(current.to(), next.to()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    ranges = List.copyOf(merged);
  }

  /** A set of one range. */
  public static StatusRanges of(int from, int to) {
    return new StatusRanges(List.of(new Range(from, to)));
  }

  /**
   * Parses {@code "200-399"}, {@code "200,204,300-302"}: comma-separated codes or {@code
   * from-to} ranges, no spaces.
   *
   * @throws InvalidEventException (field {@code expectedStatus}) if the text is not of that form
   */
  public static StatusRanges parse(String text) {
    Validate.notNull(text, "expectedStatus");
    if (text.isEmpty() || text.length() > MAX_RANGES * 8) {
      throw new InvalidEventException("expectedStatus", "must be like 200-399 or 200,204");
    }
    List<Range> result = new ArrayList<>();
    int start = 0;
    while (start <= text.length()) {
      int comma = text.indexOf(',', start);
      int end = comma < 0 ? text.length() : comma;
      String part = text.substring(start, end);
      int dash = part.indexOf('-');
      if (dash < 0) {
        int code = code(part);
        result.add(new Range(code, code));
      } else {
        result.add(new Range(code(part.substring(0, dash)), code(part.substring(dash + 1))));
      }
      if (result.size() > MAX_RANGES) {
        throw new InvalidEventException("expectedStatus", "has more than " + MAX_RANGES + " ranges");
      }
      start = end + 1;
    }
    return new StatusRanges(result);
  }

  private static int code(String digits) {
    boolean ok = digits.length() == 3;
    for (int i = 0; ok && i < 3; i++) {
      ok = digits.charAt(i) >= '0' && digits.charAt(i) <= '9';
    }
    if (!ok) {
      throw new InvalidEventException(
          "expectedStatus", "must be like 200-399 or 200,204 (three-digit codes, no spaces)");
    }
    return Integer.parseInt(digits);
  }

  /** True if {@code code} is in one of the ranges. */
  public boolean contains(int code) {
    for (Range r : ranges) {
      if (r.contains(code)) {
        return true;
      }
    }
    return false;
  }

  /** The canonical text, e.g. {@code "200,204,300-302"}; {@link #parse} reads it back. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    for (Range r : ranges) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(r);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
