package dev.webmon.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formatting of figures for the HTML pages. Stateless. */
final class Format {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Format() {}

  static String percent(Double p) {
    if (p == null) {
      return "–";
    }
    if (p >= 99.995 && p < 100) {
      return "99.99 %";
    }
    return String.format(Locale.ROOT, p == 100 || p == 0 ? "%.0f %%" : "%.2f %%", p);
  }

  static String millis(Double ms) {
    if (ms == null) {
      return "–";
    }
    if (ms >= 10_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }
    return String.format(Locale.ROOT, ms >= 100 ? "%.0f ms" : "%.1f ms", ms);
  }

  static String interval(long seconds) {
    if (seconds % 3600 == 0) {
      return seconds / 3600 + " h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + " min";
    }
    return seconds + " s";
  }

  static String utc(Instant t) {
    return t == null ? "" : UTC.format(t);
  }

  /** "12 s ago", "5 min ago", "3 h ago", "2 d ago", or "never". */
  static String ago(Instant t, Instant now) {
    if (t == null) {
      return "never";
    }
    long s = Math.max(0, Duration.between(t, now).toSeconds());
    if (s < 60) {
      return s + " s ago";
    }
    if (s < 3600) {
      return s / 60 + " min ago";
    }
    if (s < 86_400) {
      return s / 3600 + " h ago";
    }
    return s / 86_400 + " d ago";
  }

  /**
   * Points of an SVG polyline for a sparkline of {@code width x height}; gaps (nulls) split it
   * into segments. Returns one "x,y x,y ..." string per segment.
   */
  static List<String> sparkline(List<Double> values, int width, int height) {
    double max = values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(0);
    if (max <= 0) {
      max = 1;
    }
    int n = values.size();
    double step = n > 1 ? (double) width / (n - 1) : width;
    List<String> segments = new ArrayList<>();
    List<double[]> current = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      Double v = i < n ? values.get(i) : null;
      if (v == null) {
        if (current.size() == 1) {
          // A lone point draws nothing as a polyline: make it a short dash.
          double[] p = current.get(0);
          current = List.of(new double[] {Math.max(0, p[0] - 1.5), p[1]}, new double[] {Math.min(width, p[0] + 1.5), p[1]});
        }
        if (!current.isEmpty()) {
          StringBuilder sb = new StringBuilder();
          for (double[] p : current) {
            sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", p[0], p[1]));
          }
          segments.add(sb.toString());
        }
        current = new ArrayList<>();
        continue;
      }
      current.add(new double[] {i * step, height - 1 - (v / max) * (height - 2)});
    }
    return segments;
  }
}
